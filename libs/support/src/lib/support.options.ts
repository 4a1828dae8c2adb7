export const SUPPORT_OPTIONS = Symbol.for('payrail.support-options');

export interface SupportOptions {
  /** Where the console is reached: article links are `{publicUrl}/kb/{slug}`. */
  publicUrl: string;
  /** The folder of Markdown articles seeded on first start; null: no seed. */
  seedDir: string | null;
}

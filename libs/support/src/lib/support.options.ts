export const SUPPORT_OPTIONS = Symbol.for('payrail.support-options');

export interface SupportOptions {
  /** Where the console is reached: article links are `{publicUrl}/kb/{slug}`, cases `{publicUrl}/cases/{id}`. */
  publicUrl: string;
  /** The folder of Markdown articles seeded on first start; null: no seed. */
  seedDir: string | null;
  /** How often SLA targets are checked (across instances); 0 or absent: only when asked (`sweep`). */
  slaSweepMs?: number;
  /** Where escalations and breaches are announced. */
  escalation?: { webhookUrl?: string; webhookSecret?: string; email?: string };
}

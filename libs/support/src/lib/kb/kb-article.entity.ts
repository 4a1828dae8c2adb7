import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

export type KbAudience = 'internal' | 'merchant';
export type KbStatus = 'draft' | 'published';
export const KB_AUDIENCES: readonly KbAudience[] = ['internal', 'merchant'];
export const KB_STATUSES: readonly KbStatus[] = ['draft', 'published'];

/** One troubleshooting article: what the failure looks like, why it happens and what to do. */
@Entity('kb_articles')
@Index(['slug'], { unique: true })
export class KbArticle extends BaseRecord {
  @Column({ type: 'varchar', length: 120 })
  slug!: string;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'varchar', length: 1000 })
  summary!: string;

  /** Markdown. */
  @Column({ type: 'text' })
  symptoms!: string;

  /** Markdown. */
  @Column({ type: 'text' })
  cause!: string;

  /** Markdown: the resolution steps. */
  @Column({ type: 'text' })
  resolution!: string;

  @Column({ type: 'varchar', length: 16 })
  audience!: KbAudience;

  /** A gateway code, or `all`. */
  @Column({ type: 'varchar', length: 32 })
  gateway!: string;

  @Column({ name: 'taxonomy_codes', type: 'simple-json' })
  taxonomyCodes!: string[];

  @Column({ name: 'gateway_codes', type: 'simple-json' })
  gatewayCodes!: string[];

  /** `|code|code|`: every code the article answers, for an indexable exact match. */
  @Column({ name: 'code_keys', type: 'varchar', length: 4000 })
  codeKeys!: string;

  @Column({ type: 'boolean', default: false })
  retryable!: boolean;

  /** What the merchant should tell the paying customer. */
  @Column({ name: 'customer_message', type: 'varchar', length: 500 })
  customerMessage!: string;

  @Column({ type: 'simple-json' })
  tags!: string[];

  @Column({ type: 'varchar', length: 16 })
  status!: KbStatus;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ name: 'updated_by', type: 'varchar', length: 40, nullable: true })
  updatedBy!: string | null;
}

import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

/** An article as it was at one version: every edit adds one, so history and diffs never lose text. */
@Entity('kb_article_versions')
@Index(['articleId', 'version'], { unique: true })
export class KbArticleVersion extends BaseRecord {
  @Column({ name: 'article_id', type: 'varchar', length: 40 })
  articleId!: string;

  @Column({ type: 'integer' })
  version!: number;

  /** The article's fields as JSON (`KbArticleFields`). */
  @Column({ type: 'simple-json' })
  snapshot!: KbArticleFields;

  /** The console user who wrote it; null for the seed and imports by the system. */
  @Column({ name: 'author_id', type: 'varchar', length: 40, nullable: true })
  authorId!: string | null;
}

/** What an author writes: everything of an article but its bookkeeping. */
export interface KbArticleFields {
  slug: string;
  title: string;
  summary: string;
  symptoms: string;
  cause: string;
  resolution: string;
  audience: 'internal' | 'merchant';
  gateway: string;
  taxonomyCodes: string[];
  gatewayCodes: string[];
  retryable: boolean;
  customerMessage: string;
  tags: string[];
  status: 'draft' | 'published';
}

import {
  Table,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
  type TableColumnOptions,
} from 'typeorm';
import { baseColumns, columnTypes, varcharColumn } from '@payrail/database';

const str = varcharColumn;
const text = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'text', isNullable });

/**
 * The knowledge base: articles, every version of each, and what search needs. Full text is
 * FTS5 on SQLite (a virtual table the service keeps in step) and a weighted `tsvector` with a
 * GIN index on PostgreSQL; the vocabulary with its trigrams serves typo tolerance on both.
 */
export class KnowledgeBase1771400000000 implements MigrationInterface {
  name = 'KnowledgeBase1771400000000';

  async up(q: QueryRunner): Promise<void> {
    const t = columnTypes(q);
    await q.createTable(
      new Table({
        name: 'kb_articles',
        columns: [
          ...baseColumns(q),
          str('slug', 120),
          str('title', 200),
          str('summary', 1000),
          text('symptoms'),
          text('cause'),
          text('resolution'),
          str('audience', 16),
          str('gateway', 32),
          text('taxonomy_codes'),
          text('gateway_codes'),
          str('code_keys', 4000),
          { name: 'retryable', type: 'boolean', default: false },
          str('customer_message', 500),
          text('tags'),
          str('status', 16),
          { name: 'version', type: 'integer', default: 1 },
          str('updated_by', 40, true),
        ],
        indices: [
          new TableIndex({ name: 'IDX_kb_articles_slug', columnNames: ['slug'], isUnique: true }),
          new TableIndex({ name: 'IDX_kb_articles_gateway_status', columnNames: ['gateway', 'status'] }),
        ],
      }),
      true,
    );
    await q.createTable(
      new Table({
        name: 'kb_article_versions',
        columns: [
          ...baseColumns(q),
          str('article_id', 40),
          { name: 'version', type: 'integer' },
          text('snapshot'),
          str('author_id', 40, true),
        ],
        indices: [
          new TableIndex({
            name: 'IDX_kb_article_versions_article_version',
            columnNames: ['article_id', 'version'],
            isUnique: true,
          }),
        ],
      }),
      true,
    );
    await q.createTable(
      new Table({ name: 'kb_terms', columns: [{ ...str('term', 64), isPrimary: true }] }),
      true,
    );
    await q.createTable(
      new Table({
        name: 'kb_term_trigrams',
        columns: [
          { ...str('trigram', 12), isPrimary: true },
          { ...str('term', 64), isPrimary: true },
        ],
      }),
      true,
    );
    if (t.postgres) {
      await q.query(`ALTER TABLE "kb_articles" ADD COLUMN "search_vector" tsvector`);
      await q.query(`CREATE INDEX "IDX_kb_articles_search" ON "kb_articles" USING GIN ("search_vector")`);
    } else {
      await q.query(
        `CREATE VIRTUAL TABLE IF NOT EXISTS kb_fts USING fts5(article_id UNINDEXED, title, summary, body, codes, tokenize = 'porter unicode61')`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (!columnTypes(q).postgres) await q.query(`DROP TABLE IF EXISTS kb_fts`);
    for (const table of ['kb_term_trigrams', 'kb_terms', 'kb_article_versions', 'kb_articles'])
      await q.dropTable(table, true);
  }
}

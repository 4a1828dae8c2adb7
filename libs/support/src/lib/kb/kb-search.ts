import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { KbArticle } from './kb-article.entity';
import { articleBody } from './kb-markdown';
import {
  leadingText,
  phraseTrigrams,
  queryWords,
  similarity,
  snippetHtml,
  trigrams,
  vocabularyOf,
} from './kb-text';

export interface KbFilters {
  gateway?: string;
  code?: string;
  /** Only with drafts allowed; otherwise published articles only. */
  status?: 'draft' | 'published';
  includeDrafts: boolean;
  audience?: 'merchant' | 'internal';
}

export interface KbHit {
  id: string;
  score: number;
  snippet: string;
}

/** Typo-tolerance: a query word also matches vocabulary words at least this similar. */
const MIN_TERM_SIMILARITY = 0.4;
const CANDIDATES = 60;

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Full-text search over the knowledge base on either database: FTS5 with `bm25` and `snippet`
 * on SQLite, a weighted `tsvector` with `websearch_to_tsquery` and `ts_headline` on PostgreSQL.
 * Each query word is widened to the vocabulary words that look like it (pg_trgm where the
 * extension can be had, the trigram table otherwise), and the candidates are ranked by their
 * text rank and how much their title looks like the query. Client text only ever reaches the
 * database as a bound parameter or as words of letters and digits, so no input is a syntax error.
 */
@Injectable()
export class KbSearch {
  private readonly logger = new Logger('KbSearch');
  private trgmSchema: string | null | undefined;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get postgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  /** Keeps the articles' full-text entries and the vocabulary in step, in the caller's transaction. */
  async index(m: EntityManager, articles: KbArticle[]): Promise<void> {
    for (let i = 0; i < articles.length; i += 200)
      await this.indexIds(
        m,
        articles.slice(i, i + 200).map((a) => a.id),
      );
    const text = articles.map(
      (a) =>
        `${a.title} ${a.summary} ${articleBody(a)} ${a.codeKeys.split('|').join(' ')} ${a.tags.join(' ')}`,
    );
    await this.addVocabulary(m, vocabularyOf(text.join(' ')));
  }

  /** Set-based, from the rows themselves: one statement per database however many articles. */
  private async indexIds(m: EntityManager, ids: string[]): Promise<void> {
    if (!ids.length) return;
    const ph = ids.map((_, i) => (this.postgres ? `$${i + 1}` : '?')).join(', ');
    if (this.postgres) {
      await m.query(
        `UPDATE "kb_articles" SET "search_vector" =
           setweight(to_tsvector('english', title), 'A') ||
           setweight(to_tsvector('english', replace(code_keys, '|', ' ') || ' ' || tags), 'A') ||
           setweight(to_tsvector('english', summary), 'B') ||
           setweight(to_tsvector('english', symptoms || ' ' || cause || ' ' || resolution), 'C')
         WHERE "id" IN (${ph})`,
        ids,
      );
      return;
    }
    await m.query(`DELETE FROM kb_fts WHERE article_id IN (${ph})`, ids);
    await m.query(
      `INSERT INTO kb_fts (article_id, title, summary, body, codes)
       SELECT id, title, summary, symptoms || char(10) || cause || char(10) || resolution,
              replace(code_keys, '|', ' ') || ' ' || tags
         FROM kb_articles WHERE id IN (${ph})`,
      ids,
    );
  }

  async search(q: string, filters: KbFilters): Promise<KbHit[]> {
    const words = queryWords(q);
    if (!words.length) return [];
    const expanded = await Promise.all(words.map(async (w) => [w, ...(await this.similarTerms(w))]));
    const rows = this.postgres
      ? await this.searchPostgres(q, expanded, filters)
      : await this.searchSqlite(expanded, filters);
    const query = phraseTrigrams(words.join(' '));
    return rows
      .map((row, position) => ({
        id: row.id,
        // Text rank by position (the two databases' raw ranks are not comparable), plus the title's likeness.
        score: 1 / (1 + position) + 1.5 * similarity(query, phraseTrigrams(row.title)),
        snippet: row.snip ? snippetHtml(row.snip) : snippetHtml(leadingText(row.summary)),
      }))
      .sort((a, b) => b.score - a.score);
  }

  /** The SQL (and parameters) of the filters, for either placeholder style. */
  private filterSql(filters: KbFilters, params: unknown[]): string {
    const p = (value: unknown) => {
      params.push(value);
      return this.postgres ? `$${params.length}` : '?';
    };
    const parts: string[] = [];
    if (!filters.includeDrafts) parts.push(`a.status = ${p('published')}`);
    else if (filters.status) parts.push(`a.status = ${p(filters.status)}`);
    if (filters.gateway) parts.push(`a.gateway = ${p(filters.gateway)}`);
    if (filters.audience) parts.push(`a.audience = ${p(filters.audience)}`);
    if (filters.code) parts.push(`a.code_keys LIKE ${p(`%|${escapeLike(filters.code)}|%`)} ESCAPE '\\'`);
    return parts.length ? ` AND ${parts.join(' AND ')}` : '';
  }

  private async searchSqlite(
    expanded: string[][],
    filters: KbFilters,
  ): Promise<Array<{ id: string; title: string; summary: string; snip: string | null }>> {
    // Words are letters and digits only; quoted, FTS5 takes them as strings, never as operators.
    const match = expanded
      .map((alts) => `(${alts.map((t) => `"${t}"${t.length >= 3 ? '*' : ''}`).join(' OR ')})`)
      .join(' OR ');
    const params: unknown[] = [match];
    const where = this.filterSql(filters, params);
    return this.dataSource.query(
      `SELECT a.id AS id, a.title AS title, a.summary AS summary,
              snippet(kb_fts, -1, char(1), char(2), '…', 16) AS snip
         FROM kb_fts JOIN kb_articles a ON a.id = kb_fts.article_id
        WHERE kb_fts MATCH ?${where}
        ORDER BY bm25(kb_fts, 0.0, 10.0, 4.0, 1.0, 8.0)
        LIMIT ${CANDIDATES}`,
      params,
    );
  }

  private async searchPostgres(
    raw: string,
    expanded: string[][],
    filters: KbFilters,
  ): Promise<Array<{ id: string; title: string; summary: string; snip: string | null }>> {
    const widened = expanded
      .map((alts) => `(${alts.map((t) => (t.length >= 3 ? `${t}:*` : t)).join(' | ')})`)
      .join(' | ');
    // NUL is the one character PostgreSQL text cannot hold; everything else goes as it is.
    const params: unknown[] = [raw.split('\u0000').join(' ').slice(0, 500), widened];
    const where = this.filterSql(filters, params);
    return this.dataSource.query(
      `WITH query AS (SELECT websearch_to_tsquery('english', $1) || to_tsquery('english', $2) AS q)
       SELECT a.id AS id, a.title AS title, a.summary AS summary,
              ts_headline('english', a.summary || ' ' || a.symptoms || ' ' || a.cause || ' ' || a.resolution, query.q,
                'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', MaxWords=24, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "') AS snip
         FROM kb_articles a, query
        WHERE a.search_vector @@ query.q${where}
        ORDER BY ts_rank_cd(a.search_vector, query.q) DESC, a.slug
        LIMIT ${CANDIDATES}`,
      params,
    );
  }

  /** Vocabulary words that look like `word` (typos), best first. */
  private async similarTerms(word: string): Promise<string[]> {
    if (word.length < 4) return [];
    const schema = await this.pgTrgmSchema();
    if (schema) {
      const rows: Array<{ term: string }> = await this.dataSource.query(
        `SELECT term FROM "kb_terms" WHERE "${schema}".similarity(term, $1) >= $2 AND term <> $1
          ORDER BY "${schema}".similarity(term, $1) DESC, term LIMIT 3`,
        [word, MIN_TERM_SIMILARITY],
      );
      return rows.map((r) => r.term);
    }
    const grams = trigrams(word);
    const placeholders = grams.map((_, i) => (this.postgres ? `$${i + 1}` : '?')).join(', ');
    const rows: Array<{ term: string; shared: number | string }> = await this.dataSource.query(
      `SELECT term, COUNT(*) AS shared FROM kb_term_trigrams WHERE trigram IN (${placeholders})
        GROUP BY term ORDER BY COUNT(*) DESC, term LIMIT 40`,
      grams,
    );
    const mine = new Set(grams);
    return rows
      .filter((r) => r.term !== word)
      .map((r) => ({ term: r.term, score: similarity(mine, new Set(trigrams(r.term))) }))
      .filter((r) => r.score >= MIN_TERM_SIMILARITY)
      .sort((a, b) => b.score - a.score || a.term.localeCompare(b.term))
      .slice(0, 3)
      .map((r) => r.term);
  }

  private async addVocabulary(m: EntityManager, terms: string[]): Promise<void> {
    if (!terms.length) return;
    const conflict = this.postgres ? ' ON CONFLICT DO NOTHING' : '';
    const insert = this.postgres ? 'INSERT INTO' : 'INSERT OR IGNORE INTO';
    const known: Array<{ term: string }> = [];
    for (let i = 0; i < terms.length; i += 400) {
      const chunk = terms.slice(i, i + 400);
      const ph = chunk.map((_, j) => (this.postgres ? `$${j + 1}` : '?')).join(', ');
      known.push(...(await m.query(`SELECT term FROM kb_terms WHERE term IN (${ph})`, chunk)));
    }
    const have = new Set(known.map((k) => k.term));
    const fresh = terms.filter((t) => !have.has(t));
    if (!fresh.length) return;
    for (let i = 0; i < fresh.length; i += 400) {
      const chunk = fresh.slice(i, i + 400);
      const ph = chunk.map((_, j) => (this.postgres ? `($${j + 1})` : '(?)')).join(', ');
      await m.query(`${insert} kb_terms (term) VALUES ${ph}${conflict}`, chunk);
    }
    // The trigram table serves where pg_trgm cannot: SQLite, or a PostgreSQL without the extension.
    if (this.postgres && (await this.pgTrgmSchema())) return;
    const pairs = fresh.flatMap((term) => trigrams(term).map((g) => [g, term]));
    for (let i = 0; i < pairs.length; i += 400) {
      const chunk = pairs.slice(i, i + 400);
      const ph = chunk
        .map((_, j) => (this.postgres ? `($${2 * j + 1}, $${2 * j + 2})` : '(?, ?)'))
        .join(', ');
      await m.query(`${insert} kb_term_trigrams (trigram, term) VALUES ${ph}${conflict}`, chunk.flat());
    }
  }

  /**
   * The schema holding pg_trgm, creating the extension where this role may; null where it cannot
   * be had (SQLite, or no privilege), and the trigram table does the work instead.
   */
  async pgTrgmSchema(): Promise<string | null> {
    if (this.trgmSchema !== undefined) return this.trgmSchema;
    if (!this.postgres) return (this.trgmSchema = null);
    const find = async () => {
      const rows: Array<{ nspname: string }> = await this.dataSource.query(
        `SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`,
      );
      return rows[0]?.nspname ?? null;
    };
    let schema = await find();
    if (!schema) {
      try {
        await this.dataSource.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`);
      } catch (error) {
        this.logger.warn(`pg_trgm is not available (${(error as Error).message}); using the trigram table`);
      }
      schema = await find();
    }
    return (this.trgmSchema = schema);
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createTwoFilesPatch, diffLines } from 'diff';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import { AuditService, type AuditActorContext } from '@payrail/audit';
import { isUniqueViolation, newId, TransactionRunner } from '@payrail/database';
import { KbArticle, KB_AUDIENCES, KB_STATUSES } from './kb-article.entity';
import { KbArticleVersion, type KbArticleFields } from './kb-article-version.entity';
import { KbFormatError, toMarkdownFile } from './kb-markdown';
import { KbSearch, type KbFilters } from './kb-search';
import { KbLinks } from './kb-links';

export interface KbListQuery extends KbFilters {
  q?: string;
  limit: number;
}

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const CODE = /^[A-Za-z0-9_. -]{1,64}$/;

const FIELD_KEYS: ReadonlyArray<keyof KbArticleFields> = [
  'slug',
  'title',
  'summary',
  'symptoms',
  'cause',
  'resolution',
  'audience',
  'gateway',
  'taxonomyCodes',
  'gatewayCodes',
  'retryable',
  'customerMessage',
  'tags',
  'status',
];

export function fieldsOf(a: KbArticle): KbArticleFields {
  return Object.fromEntries(FIELD_KEYS.map((k) => [k, a[k]])) as unknown as KbArticleFields;
}

/** Checks an article's values, naming the first that is wrong. */
export function checkFields(f: KbArticleFields): void {
  const bad = (param: string, message: string) => {
    throw ApiError.invalid(param, message);
  };
  if (!SLUG.test(f.slug) || f.slug.length > 120)
    bad('slug', 'slug must be lowercase letters, digits and single hyphens, at most 120 characters');
  if (!f.title.trim() || f.title.length > 200) bad('title', 'title must be 1 to 200 characters');
  if (f.summary.length > 1000) bad('summary', 'summary must be at most 1000 characters');
  for (const key of ['symptoms', 'cause', 'resolution'] as const)
    if (f[key].length > 20_000) bad(key, `${key} must be at most 20000 characters`);
  if (!KB_AUDIENCES.includes(f.audience)) bad('audience', 'audience must be internal or merchant');
  if (!KB_STATUSES.includes(f.status)) bad('status', 'status must be draft or published');
  if (!/^[a-z][a-z0-9_-]{0,31}$/.test(f.gateway)) bad('gateway', "gateway must be a gateway code or 'all'");
  for (const key of ['taxonomyCodes', 'gatewayCodes'] as const) {
    const param = key === 'taxonomyCodes' ? 'taxonomy_codes' : 'gateway_codes';
    if (f[key].length > 20) bad(param, `${param} may hold at most 20 codes`);
    for (const c of f[key])
      if (!CODE.test(c)) bad(param, `${param} holds '${c.slice(0, 70)}', which is not a code`);
  }
  if (f.tags.length > 20 || f.tags.some((t) => !/^[a-z0-9][a-z0-9-]{0,39}$/.test(t)))
    bad('tags', 'tags must be at most 20 lowercase words (letters, digits, hyphens)');
  if (f.customerMessage.length > 500)
    bad('customer_message', 'customer_message must be at most 500 characters');
}

const codeKeys = (f: KbArticleFields) => `|${[...f.taxonomyCodes, ...f.gatewayCodes].join('|')}|`;

/** The knowledge base: articles, their versions and diffs, search, import and export. */
@Injectable()
export class KbService {
  private readonly logger = new Logger('KnowledgeBase');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly search: KbSearch,
    private readonly links: KbLinks,
    private readonly audit: AuditService,
  ) {}

  async list(
    query: KbListQuery,
  ): Promise<{ data: Array<{ article: KbArticle; snippet?: string }>; hasMore: boolean }> {
    if (query.q !== undefined && query.q.trim() !== '') {
      const hits = await this.search.search(query.q, query);
      const page = hits.slice(0, query.limit);
      const articles = await this.byIds(page.map((h) => h.id));
      return {
        data: page.flatMap((h) => {
          const article = articles.get(h.id);
          return article ? [{ article, snippet: h.snippet }] : [];
        }),
        hasMore: hits.length > query.limit,
      };
    }
    const qb = this.dataSource.getRepository(KbArticle).createQueryBuilder('a');
    if (!query.includeDrafts) qb.andWhere('a.status = :published', { published: 'published' });
    else if (query.status) qb.andWhere('a.status = :status', { status: query.status });
    if (query.gateway) qb.andWhere('a.gateway = :gateway', { gateway: query.gateway });
    if (query.audience) qb.andWhere('a.audience = :audience', { audience: query.audience });
    if (query.code)
      qb.andWhere(`a.code_keys LIKE :code ESCAPE '\\'`, {
        code: `%|${query.code.replace(/[\\%_]/g, (c) => `\\${c}`)}|%`,
      });
    const rows = await qb
      .orderBy('a.gateway', 'ASC')
      .addOrderBy('a.title', 'ASC')
      .take(query.limit + 1)
      .getMany();
    return {
      data: rows.slice(0, query.limit).map((article) => ({ article })),
      hasMore: rows.length > query.limit,
    };
  }

  /** One article; a draft only for those who may see drafts. */
  async get(slug: string, options: { includeDrafts: boolean; audience?: 'merchant' }): Promise<KbArticle> {
    const article = await this.dataSource.getRepository(KbArticle).findOneBy({ slug });
    if (
      !article ||
      (!options.includeDrafts && article.status !== 'published') ||
      (options.audience && article.audience !== options.audience)
    )
      throw ApiError.notFound('article', slug);
    return article;
  }

  versions(articleId: string): Promise<KbArticleVersion[]> {
    return this.dataSource
      .getRepository(KbArticleVersion)
      .find({ where: { articleId }, order: { version: 'DESC' } });
  }

  async create(
    fields: KbArticleFields,
    context: AuditActorContext,
    authorId: string | null,
  ): Promise<KbArticle> {
    checkFields(fields);
    try {
      const article = await this.tx.run(async (m) => {
        const saved = await this.insert(m, fields, authorId);
        await this.audit.record(
          {
            ...context,
            action: 'kb_article.created',
            resource: { type: 'kb_article', id: saved.id },
            change: { after: { slug: saved.slug, status: saved.status } },
          },
          m,
        );
        return saved;
      });
      this.links.invalidate();
      return article;
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ApiError(409, {
          type: 'invalid_request_error',
          code: 'slug_taken',
          message: `an article with slug '${fields.slug}' exists`,
          param: 'slug',
        });
      throw error;
    }
  }

  /** An edit: the article moves to a new version and the version it replaced stays in history. */
  async update(
    slug: string,
    change: Partial<KbArticleFields>,
    context: AuditActorContext,
    authorId: string | null,
  ): Promise<KbArticle> {
    try {
      const article = await this.tx.run(async (m) => {
        const current = await m.findOneBy(KbArticle, { slug });
        if (!current) throw ApiError.notFound('article', slug);
        const before = fieldsOf(current);
        const next: KbArticleFields = { ...before, ...change };
        checkFields(next);
        if (JSON.stringify(next) === JSON.stringify(before)) return current;
        Object.assign(current, next, {
          codeKeys: codeKeys(next),
          version: current.version + 1,
          updatedBy: authorId,
        });
        const saved = await m.save(current);
        await m.save(
          m.create(KbArticleVersion, {
            id: newId('kbv'),
            articleId: saved.id,
            version: saved.version,
            snapshot: next,
            authorId,
          }),
        );
        await this.search.index(m, [saved]);
        await this.audit.record(
          {
            ...context,
            action: 'kb_article.updated',
            resource: { type: 'kb_article', id: saved.id },
            change: {
              before: { version: saved.version - 1, status: before.status },
              after: { version: saved.version, status: saved.status },
            },
          },
          m,
        );
        return saved;
      });
      this.links.invalidate();
      return article;
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ApiError(409, {
          type: 'invalid_request_error',
          code: 'slug_taken',
          message: `an article with slug '${change.slug}' exists`,
          param: 'slug',
        });
      throw error;
    }
  }

  /** A unified diff between two versions of an article, as Markdown files, and its changed lines. */
  async diff(article: KbArticle, from: number, to: number) {
    const rows = await this.dataSource
      .getRepository(KbArticleVersion)
      .find({ where: { articleId: article.id } });
    const pick = (v: number, param: string) => {
      const row = rows.find((r) => r.version === v);
      if (!row) throw ApiError.invalid(param, `article '${article.slug}' has no version ${v}`);
      return toMarkdownFile(row.snapshot);
    };
    const a = pick(from, 'from');
    const b = pick(to, 'to');
    return {
      patch: createTwoFilesPatch(`${article.slug}@${from}.md`, `${article.slug}@${to}.md`, a, b),
      changes: diffLines(a, b).map((c) => ({ added: !!c.added, removed: !!c.removed, value: c.value })),
    };
  }

  /** Creates or updates articles from Markdown files, all or none. */
  async import(
    files: KbArticleFields[],
    context: AuditActorContext,
    authorId: string | null,
  ): Promise<{ created: number; updated: number; unchanged: number }> {
    files.forEach((f, i) => {
      try {
        checkFields(f);
      } catch (error) {
        if (error instanceof ApiError)
          throw ApiError.invalid(`files[${i}].${error.body.param}`, error.body.message);
        throw error;
      }
    });
    const counts = { created: 0, updated: 0, unchanged: 0 };
    await this.tx.run(async (m) => {
      for (const f of files) {
        const current = await m.findOneBy(KbArticle, { slug: f.slug });
        if (!current) {
          await this.insert(m, f, authorId);
          counts.created++;
          continue;
        }
        if (JSON.stringify(fieldsOf(current)) === JSON.stringify(f)) {
          counts.unchanged++;
          continue;
        }
        Object.assign(current, f, {
          codeKeys: codeKeys(f),
          version: current.version + 1,
          updatedBy: authorId,
        });
        await m.save(current);
        await m.save(
          m.create(KbArticleVersion, {
            id: newId('kbv'),
            articleId: current.id,
            version: current.version,
            snapshot: f,
            authorId,
          }),
        );
        await this.search.index(m, [current]);
        counts.updated++;
      }
      await this.audit.record(
        {
          ...context,
          action: 'kb_article.imported',
          resource: { type: 'kb_article' },
          change: { after: counts },
        },
        m,
      );
    });
    this.links.invalidate();
    return counts;
  }

  async exportAll(includeDrafts: boolean): Promise<Array<{ slug: string; markdown: string }>> {
    const rows = await this.dataSource
      .getRepository(KbArticle)
      .find({ where: includeDrafts ? {} : { status: 'published' }, order: { slug: 'ASC' } });
    return rows.map((a) => ({ slug: a.slug, markdown: toMarkdownFile(fieldsOf(a)) }));
  }

  /** First start: the articles shipped with Payrail, when the knowledge base is empty. */
  async seedIfEmpty(files: () => KbArticleFields[]): Promise<number> {
    await this.search.pgTrgmSchema();
    if ((await this.dataSource.getRepository(KbArticle).count()) > 0) return 0;
    const seed = files();
    seed.forEach(checkFields);
    try {
      await this.tx.run(async (m) => {
        // In bulk: every app start of an empty database pays for this.
        const articles = seed.map((f) =>
          m.create(KbArticle, { id: newId('kb'), ...f, codeKeys: codeKeys(f), version: 1, updatedBy: null }),
        );
        const versions = articles.map((a, i) =>
          m.create(KbArticleVersion, {
            id: newId('kbv'),
            articleId: a.id,
            version: 1,
            snapshot: seed[i],
            authorId: null,
          }),
        );
        for (let i = 0; i < articles.length; i += 50) {
          await m
            .createQueryBuilder()
            .insert()
            .into(KbArticle)
            .values(articles.slice(i, i + 50))
            .execute();
          await m
            .createQueryBuilder()
            .insert()
            .into(KbArticleVersion)
            .values(versions.slice(i, i + 50))
            .execute();
        }
        await this.search.index(m, articles);
      });
    } catch (error) {
      // Another instance seeded at the same moment: its articles stand.
      if (isUniqueViolation(error)) return 0;
      throw error;
    }
    this.links.invalidate();
    this.logger.log(`knowledge base seeded with ${seed.length} articles`);
    return seed.length;
  }

  private async insert(m: EntityManager, f: KbArticleFields, authorId: string | null): Promise<KbArticle> {
    const saved = await m.save(
      m.create(KbArticle, { id: newId('kb'), ...f, codeKeys: codeKeys(f), version: 1, updatedBy: authorId }),
    );
    await m.save(
      m.create(KbArticleVersion, {
        id: newId('kbv'),
        articleId: saved.id,
        version: 1,
        snapshot: f,
        authorId,
      }),
    );
    await this.search.index(m, [saved]);
    return saved;
  }

  private async byIds(ids: string[]): Promise<Map<string, KbArticle>> {
    if (!ids.length) return new Map();
    const rows = await this.dataSource
      .getRepository(KbArticle)
      .createQueryBuilder('a')
      .where('a.id IN (:...ids)', { ids })
      .getMany();
    return new Map(rows.map((r) => [r.id, r]));
  }
}

export { KbFormatError };

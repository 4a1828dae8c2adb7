import type { KbArticleResource, KbArticleWrite } from '@payrail/api-contract';
import type { KbArticle } from './kb-article.entity';
import type { KbArticleFields, KbArticleVersion } from './kb-article-version.entity';
import { articleBody, renderMarkdown } from './kb-markdown';

export function presentArticle(
  a: KbArticle,
  url: string,
  extra: { snippet?: string; versions?: KbArticleVersion[] } = {},
): KbArticleResource {
  return {
    object: 'kb_article',
    id: a.id,
    slug: a.slug,
    title: a.title,
    summary: a.summary,
    symptoms: a.symptoms,
    cause: a.cause,
    resolution: a.resolution,
    body_html: renderMarkdown(articleBody(a)),
    audience: a.audience,
    gateway: a.gateway,
    taxonomy_codes: a.taxonomyCodes,
    gateway_codes: a.gatewayCodes,
    retryable: a.retryable,
    customer_message: a.customerMessage,
    tags: a.tags,
    status: a.status,
    version: a.version,
    updated_at: a.updatedAt.toISOString(),
    updated_by: a.updatedBy,
    url,
    ...(extra.snippet !== undefined ? { snippet: extra.snippet } : {}),
    ...(extra.versions
      ? {
          versions: extra.versions.map((v) => ({
            version: v.version,
            author_id: v.authorId,
            created_at: v.createdAt.toISOString(),
          })),
        }
      : {}),
  };
}

/** The wire's snake_case fields onto an article's, only those given. */
export function fieldsFromWire(w: KbArticleWrite): Partial<KbArticleFields> {
  const out: Partial<KbArticleFields> = {};
  const set = <K extends keyof KbArticleFields>(key: K, value: KbArticleFields[K] | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  set('slug', w.slug);
  set('title', w.title);
  set('summary', w.summary);
  set('symptoms', w.symptoms);
  set('cause', w.cause);
  set('resolution', w.resolution);
  set('audience', w.audience);
  set('gateway', w.gateway);
  set('taxonomyCodes', w.taxonomy_codes);
  set('gatewayCodes', w.gateway_codes);
  set('retryable', w.retryable);
  set('customerMessage', w.customer_message);
  set('tags', w.tags);
  set('status', w.status);
  return out;
}

export const NEW_ARTICLE: Omit<KbArticleFields, 'slug' | 'title'> = {
  summary: '',
  symptoms: '',
  cause: '',
  resolution: '',
  audience: 'internal',
  gateway: 'all',
  taxonomyCodes: [],
  gatewayCodes: [],
  retryable: false,
  customerMessage: '',
  tags: [],
  status: 'draft',
};

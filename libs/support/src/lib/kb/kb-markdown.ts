import type MarkdownIt from 'markdown-it';
import type sanitizeHtml from 'sanitize-html';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { KbArticleFields } from './kb-article-version.entity';

/**
 * The renderer and the sanitizer, built on the first article shown rather than at start (the two
 * packages are a few MB of heap the API needs only once someone reads the knowledge base).
 */
interface Renderer {
  markdown: InstanceType<typeof MarkdownIt>;
  sanitize: typeof sanitizeHtml;
  options: sanitizeHtml.IOptions;
}
let renderer: Renderer | undefined;

function loadRenderer(): Renderer {
  if (renderer) return renderer;
  const Markdown = require('markdown-it') as typeof MarkdownIt;
  const sanitize = require('sanitize-html') as typeof sanitizeHtml;
  // Raw HTML in an article is shown as text, never passed through; the sanitizer is the second wall.
  const markdown = new Markdown({ html: false, linkify: false, typographer: false });
  renderer = { markdown, sanitize, options: sanitizeOptions(sanitize) };
  return renderer;
}

const sanitizeOptions = (sanitize: typeof sanitizeHtml): sanitizeHtml.IOptions => ({
  allowedTags: [
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'p',
    'br',
    'hr',
    'blockquote',
    'pre',
    'code',
    'em',
    'strong',
    'del',
    's',
    'ul',
    'ol',
    'li',
    'a',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: { a: ['href', 'title', 'rel'], ol: ['start'], th: ['style'], td: ['style'] },
  allowedStyles: {
    th: { 'text-align': [/^(left|right|center)$/] },
    td: { 'text-align': [/^(left|right|center)$/] },
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  transformTags: { a: sanitize.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }) },
});

/** Markdown to HTML that is safe to put in a page: no scripts, handlers or `javascript:` links. */
export function renderMarkdown(source: string): string {
  const { markdown, sanitize, options } = loadRenderer();
  return sanitize(markdown.render(source), options);
}

const SECTIONS = [
  ['symptoms', 'Symptoms'],
  ['cause', 'Cause'],
  ['resolution', 'Resolution'],
] as const;

/** The article's three sections as one Markdown document. */
export function articleBody(a: Pick<KbArticleFields, 'symptoms' | 'cause' | 'resolution'>): string {
  return SECTIONS.map(([key, heading]) => `## ${heading}\n\n${a[key].trim()}\n`).join('\n');
}

export class KbFormatError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
    this.name = 'KbFormatError';
  }
}

/** An article as a Markdown file with YAML front matter, the form a team keeps in git. */
export function toMarkdownFile(a: KbArticleFields): string {
  const front = {
    slug: a.slug,
    title: a.title,
    summary: a.summary,
    audience: a.audience,
    gateway: a.gateway,
    taxonomy_codes: a.taxonomyCodes,
    gateway_codes: a.gatewayCodes,
    retryable: a.retryable,
    customer_message: a.customerMessage,
    tags: a.tags,
    status: a.status,
  };
  return `---\n${stringifyYaml(front, { lineWidth: 0 })}---\n\n${articleBody(a)}`;
}

const strings = (value: unknown, field: string): string[] => {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' && typeof v !== 'number'))
    throw new KbFormatError(field, `${field} must be a list of strings`);
  return value.map(String);
};

/**
 * Reads a Markdown file with front matter back into an article's fields. The body's
 * `## Symptoms`, `## Cause` and `## Resolution` sections become those fields; text before the
 * first section belongs to the symptoms. Shapes are checked here; values by the service.
 */
export function fromMarkdownFile(file: string): KbArticleFields {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(file.replace(/^\uFEFF/, ''));
  if (!match)
    throw new KbFormatError('markdown', 'the file must start with YAML front matter between --- lines');
  let front: Record<string, unknown>;
  try {
    const parsed: unknown = parseYaml(match[1], { maxAliasCount: 0 });
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a mapping');
    front = parsed as Record<string, unknown>;
  } catch (error) {
    throw new KbFormatError(
      'markdown',
      `the front matter is not a YAML mapping: ${(error as Error).message}`,
    );
  }
  const sections: Record<string, string> = { symptoms: '', cause: '', resolution: '' };
  let current = 'symptoms';
  for (const line of match[2].split(/\r?\n/)) {
    const heading = /^##\s+(symptoms|cause|resolution)\s*$/i.exec(line);
    if (heading) {
      current = heading[1].toLowerCase();
      continue;
    }
    sections[current] += `${line}\n`;
  }
  const str = (key: string) => (front[key] === undefined || front[key] === null ? '' : String(front[key]));
  return {
    slug: str('slug'),
    title: str('title'),
    summary: str('summary'),
    symptoms: sections['symptoms'].trim(),
    cause: sections['cause'].trim(),
    resolution: sections['resolution'].trim(),
    audience: (str('audience') || 'internal') as KbArticleFields['audience'],
    gateway: str('gateway') || 'all',
    taxonomyCodes: strings(front['taxonomy_codes'], 'taxonomy_codes'),
    gatewayCodes: strings(front['gateway_codes'], 'gateway_codes'),
    retryable: front['retryable'] === true,
    customerMessage: str('customer_message'),
    tags: strings(front['tags'], 'tags'),
    status: (str('status') || 'draft') as KbArticleFields['status'],
  };
}

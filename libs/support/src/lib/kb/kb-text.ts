/** Pure text helpers search is built on: words of a query, trigrams, similarity, highlighted snippets. */

const WORD = /[\p{L}\p{N}]+/gu;

/** The searchable words of any input, lowercased; syntax of any query language is dropped. */
export function queryWords(input: string, max = 8): string[] {
  const words = (input.normalize('NFKC').toLowerCase().match(WORD) ?? []).filter((w) => w.length <= 40);
  return [...new Set(words)].slice(0, max);
}

/** The vocabulary an article adds: words of 3 to 40 characters. */
export function vocabularyOf(text: string): string[] {
  return [
    ...new Set(
      (text.normalize('NFKC').toLowerCase().match(WORD) ?? []).filter((w) => w.length >= 3 && w.length <= 40),
    ),
  ];
}

/** A word's trigrams as pg_trgm takes them: padded with two spaces before and one after. */
export function trigrams(word: string): string[] {
  const padded = `  ${word} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  return [...out];
}

/** Trigrams of a phrase: of each of its words. */
export function phraseTrigrams(text: string): Set<string> {
  return new Set(queryWords(text, 64).flatMap(trigrams));
}

/** Shared trigrams over all trigrams (pg_trgm's `similarity`), 0 to 1. */
export function similarity(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / (a.size + b.size - shared);
}

export const MARK_START = '\u0001';
export const MARK_END = '\u0002';

const escapeHtml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** A database's snippet with its sentinel marks, as escaped HTML with `<mark>` around the matches. */
export function snippetHtml(raw: string): string {
  return escapeHtml(raw.replace(/[`*#_]+/g, ''))
    .split(MARK_START)
    .join('<mark>')
    .split(MARK_END)
    .join('</mark>');
}

/** The plain text of a highlighted snippet, for a fallback where the database gave none. */
export function leadingText(text: string, words = 24): string {
  const all = text.replace(/\s+/g, ' ').trim().split(' ');
  return all.slice(0, words).join(' ') + (all.length > words ? ' …' : '');
}

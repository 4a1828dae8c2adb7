import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { KbArticleFields } from './kb-article-version.entity';
import { fromMarkdownFile } from './kb-markdown';

/** Where the shipped articles are: beside the built API, or in the library's source tree. */
export function defaultSeedDir(): string | null {
  const candidates = [join(__dirname, 'kb-seed'), resolve(__dirname, '../../../kb-seed')];
  return candidates.find((dir) => existsSync(dir)) ?? null;
}

/** Every `*.md` in the folder, by file name, read as articles. */
export function readSeed(dir: string): KbArticleFields[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => fromMarkdownFile(readFileSync(join(dir, name), 'utf8')));
}

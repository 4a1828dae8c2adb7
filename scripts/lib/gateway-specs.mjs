// Where the vendored gateway OpenAPI documents live and how to read their versions cheaply.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const workspaceRoot = join(import.meta.dirname, '..', '..');
export const vendoredSpecs = join(workspaceRoot, 'apps', 'sandbox', 'specs');

/** One gateway's `source.json`: upstream repository, licence, and per file its commit and hash. */
export function readManifest(gateway) {
  return JSON.parse(readFileSync(join(vendoredSpecs, gateway, 'source.json'), 'utf8'));
}

/** The `info.version` of an OpenAPI document, read from its head without parsing the whole file. */
export function infoVersion(file) {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.json')) {
    const info = /"info"\s*:\s*\{[\s\S]*?"version"\s*:\s*"([^"]+)"/.exec(text);
    return info?.[1] ?? null;
  }
  const info = /^info:[ \t]*\n((?:[ \t]+.*\n)+)/m.exec(text);
  const version = info && /^[ \t]+version:[ \t]*['"]?([^'"\n]+?)['"]?[ \t]*$/m.exec(info[1]);
  return version?.[1] ?? null;
}

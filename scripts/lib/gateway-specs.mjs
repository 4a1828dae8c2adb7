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

/**
 * The gateway API version a vendored folder describes, by its `source.json` rule: a stated
 * `value`, or a file's `info.version` taken whole (`info.version`) or as its major (`major`,
 * giving `v2`). Null when it cannot be read.
 */
export function vendoredApiVersion(gateway, specsDir = vendoredSpecs) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(specsDir, gateway, 'source.json'), 'utf8'));
  } catch {
    return null;
  }
  const rule = manifest.apiVersion;
  if (!rule) return null;
  if (rule.value) return { value: rule.value, source: `${gateway}/source.json` };
  let version;
  try {
    version = infoVersion(join(specsDir, gateway, rule.file));
  } catch {
    return null;
  }
  if (!version) return null;
  const file = manifest.files.find((f) => f.name === rule.file);
  const source = `${gateway}/${rule.file}${file?.commit ? ` @ ${file.commit.slice(0, 7)}` : ''}`;
  if (rule.take === 'major') {
    const major = /^v?(\d+)/.exec(version);
    return major ? { value: `v${major[1]}`, source } : null;
  }
  return { value: version, source };
}

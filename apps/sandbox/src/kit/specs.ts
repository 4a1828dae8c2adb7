import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { vendoredSpecDir } from './workspace';

/**
 * One of a gateway's vendored OpenAPI documents, parsed (JSON, or YAML with its anchors). Specs
 * only: the sandboxes never validate what they answer outside tests.
 */
export function readVendoredSpec<T>(gateway: 'stripe' | 'paypal' | 'square', file: string): T {
  const text = readFileSync(join(vendoredSpecDir(gateway), file), 'utf8');
  return (file.endsWith('.json') ? JSON.parse(text) : parse(text, { maxAliasCount: -1 })) as T;
}

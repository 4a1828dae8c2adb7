#!/usr/bin/env node
// `npx nx build checkout`: @payrail/checkout as one minified ES module in dist/libs/checkout/checkout.js
// (the API serves the same bundle at /checkout.js, built from source when the source is there).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const result = await esbuild.build({
  entryPoints: [join(root, 'libs/checkout/src/index.ts')],
  bundle: true,
  format: 'esm',
  target: 'es2020',
  minify: true,
  legalComments: 'none',
  write: false,
  tsconfig: join(root, 'libs/checkout/tsconfig.lib.json'),
});
const out = join(root, 'dist/libs/checkout/checkout.js');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, result.outputFiles[0].contents);
const size = result.outputFiles[0].contents.length;
console.log(`${out}: ${size} bytes, ${gzipSync(result.outputFiles[0].contents).length} gzipped`);

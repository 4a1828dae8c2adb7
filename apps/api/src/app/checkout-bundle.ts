import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the workspace is (the folder with nx.json), from this file or the working directory. */
function workspaceRoot(): string | null {
  for (const start of [__dirname, process.cwd()]) {
    let dir = start;
    for (;;) {
      if (existsSync(join(dir, 'nx.json'))) return dir;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return null;
}

export const CHECKOUT_ENTRY = 'libs/checkout/src/index.ts';
export const CHECKOUT_BUILT = 'dist/libs/checkout/checkout.js';

/** Bundles `@payrail/checkout` into one minified ES module (the same as `node scripts/build-checkout.mjs`). */
export async function bundleCheckout(root: string): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(root, CHECKOUT_ENTRY)],
    bundle: true,
    format: 'esm',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    write: false,
    tsconfig: join(root, 'libs/checkout/tsconfig.lib.json'),
  });
  return result.outputFiles[0].text;
}

let cached: Promise<string> | null = null;

/**
 * `/checkout.js`: built from the library's source when it is here (so it never lags the code),
 * else the file `npx nx build checkout` wrote. Built once per process.
 */
export function checkoutScript(): Promise<string> {
  cached ??= (async () => {
    const root = workspaceRoot();
    if (root && existsSync(join(root, CHECKOUT_ENTRY))) return bundleCheckout(root);
    if (root && existsSync(join(root, CHECKOUT_BUILT)))
      return readFileSync(join(root, CHECKOUT_BUILT), 'utf8');
    throw new Error(`no checkout bundle: run \`npx nx build checkout\` (${CHECKOUT_BUILT})`);
  })();
  cached.catch(() => {
    cached = null;
  });
  return cached;
}

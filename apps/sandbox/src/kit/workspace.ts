import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The folder holding `nx.json` above `from`: the checkout, wherever it was cloned. */
export function workspaceRoot(from: string = __dirname): string {
  let dir = resolve(from);
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no nx.json above ${from}: not inside a Payrail checkout`);
    dir = parent;
  }
  return dir;
}

/** Where a gateway's vendored OpenAPI documents live (see `apps/sandbox/specs/README.md`). */
export function vendoredSpecDir(gateway: 'stripe' | 'paypal' | 'square'): string {
  return join(workspaceRoot(), 'apps', 'sandbox', 'specs', gateway);
}

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The folder holding `nx.json` above `from`: the checkout, wherever it was cloned. */
export function workspaceRoot(from: string): string {
  for (let dir = resolve(from); dir !== dirname(dir); dir = dirname(dir))
    if (existsSync(join(dir, 'nx.json'))) return dir;
  throw new Error(`no nx.json above ${from}: not inside a Payrail checkout`);
}

#!/usr/bin/env node
// Proves the layering is enforced: each probe below (a plugin importing the core, the core
// importing a gateway SDK or a plugin, production API code importing a sandbox) must fail lint.
// Writes throwaway files, lints them, removes them.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nxEnv } from './env.mjs';

const root = join(import.meta.dirname, '..');
const probes = [
  {
    file: 'plugins/stripe/src/boundary-probe.ts',
    code: "import { PaymentsService } from '@payrail/payments';\nexport const probe = PaymentsService;\n",
    why: 'a plugin importing the payments core',
  },
  {
    file: 'libs/payments/src/boundary-probe.ts',
    code: "import Stripe from 'stripe';\nexport const probe = Stripe;\n",
    why: 'the core importing a gateway SDK',
  },
  {
    file: 'libs/payments/src/boundary-probe-2.ts',
    code: "import { StripePlugin } from '@payrail/plugin-stripe';\nexport const probe = StripePlugin;\n",
    why: 'the core importing a plugin',
  },
  {
    // Through the `@payrail/sandbox/*` wildcard path, so lint is shown to resolve it.
    file: 'apps/api/src/app/boundary-probe.ts',
    code: "import { STRIPE_SANDBOX } from '@payrail/sandbox/stripe';\nexport const probe = STRIPE_SANDBOX;\n",
    why: 'production API code importing a sandbox',
  },
];
let ok = true;
for (const probe of probes) {
  const path = join(root, probe.file);
  writeFileSync(path, probe.code);
  try {
    const result = spawnSync('npx', ['eslint', '--no-warn-ignored', probe.file], {
      cwd: root,
      env: nxEnv,
      encoding: 'utf8',
    });
    const refused = result.status !== 0 && /enforce-module-boundaries/.test(result.stdout + result.stderr);
    process.stdout.write(`${refused ? 'refused' : 'NOT REFUSED'}: ${probe.why}\n`);
    ok &&= refused;
  } finally {
    rmSync(path, { force: true });
  }
}
process.exit(ok ? 0 : 1);

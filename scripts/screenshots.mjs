#!/usr/bin/env node
// Saves screenshots of the console's main pages into docs/screenshots/: builds the console, then
// runs the browser suite (API on SQLite with the gateway sandboxes, Debian's Chromium), which
// photographs each page at the step that shows it with real data.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { nxEnv } from './env.mjs';

const root = join(import.meta.dirname, '..');
const folder = 'docs/screenshots';
mkdirSync(join(root, folder), { recursive: true });
const run = (args, env = {}) =>
  spawnSync('npx', args, { cwd: root, stdio: 'inherit', env: { ...nxEnv, ...env } }).status ?? 1;
if (run(['nx', 'build', 'console', '--output-style=stream']) !== 0) process.exit(1);
const status = run(['jest', '-c', 'apps/console-e2e/browser.jest.config.ts'], {
  PAYRAIL_SCREENSHOTS: folder,
  PAYRAIL_TEST_DB: 'sqlite',
  TEST_DATABASE_URL: '',
});
process.stdout.write(
  status === 0
    ? `screenshots saved in ${folder}/\n`
    : 'the browser suite failed: screenshots may be missing or stale\n',
);
process.exit(status);

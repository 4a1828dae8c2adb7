#!/usr/bin/env node
// `npm run payrail -- <command>`: the operators' CLI (migrations, API keys, recovery).
import { spawnSync } from 'node:child_process';
import { nxEnv } from './env.mjs';

const build = spawnSync('npx', ['nx', 'build', 'api', '--output-style=stream'], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: nxEnv,
});
if (build.status !== 0) {
  process.stderr.write('building the API failed; run `npx nx build api` to see why\n');
  process.exit(build.status ?? 1);
}
const cli = spawnSync(
  process.execPath,
  ['--enable-source-maps', 'dist/apps/api/cli.js', ...process.argv.slice(2)],
  { stdio: 'inherit', env: process.env },
);
process.exit(cli.status ?? 1);

#!/usr/bin/env node
// `npm start`: builds the API, the console (and the gateway sandboxes), then runs them on the embedded defaults:
// SQLite in ./data, sandboxes on 12111-12113 unless PAYRAIL_SANDBOX=off.
import { spawn, spawnSync } from 'node:child_process';
import { apiEnv, apiNodeFlags, nodeFlags, nxEnv } from './env.mjs';

const sandbox =
  (process.env.PAYRAIL_SANDBOX ?? (process.env.NODE_ENV === 'production' ? 'off' : 'on')) !== 'off';
// The console is built with the API, which serves it at / (PAYRAIL_CONSOLE_DIR).
const projects = sandbox ? 'api,sandbox,console' : 'api,console';
const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '-p', projects, '--output-style=stream'], {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: nxEnv,
});
if (build.status !== 0) process.exit(build.status ?? 1);

const children = [];
const run = (name, file, api = false) => {
  const child = spawn(process.execPath, [...(api ? apiNodeFlags : nodeFlags), file], {
    stdio: 'inherit',
    env: api ? apiEnv() : process.env,
  });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`${name} stopped (${signal ?? code}); stopping Payrail\n`);
    stop(code ?? 1);
  });
  children.push(child);
  return child;
};
let stopping = false;
const stop = (code = 0) => {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 2000).unref();
};
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

if (sandbox) {
  run('the gateway sandboxes', 'dist/apps/sandbox/main.js');
  // The API registers its webhook endpoints with the sandboxes when it seeds their connections.
  await new Promise((resolve) => setTimeout(resolve, 1500));
}
run('the API', 'dist/apps/api/main.js', true);

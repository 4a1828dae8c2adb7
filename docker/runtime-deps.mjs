#!/usr/bin/env node
// Copies the packages the built API loads at run time, and everything they need, from a full
// node_modules into a fresh one: the bundle's externals (the `require("…")` of a package in
// dist/apps/api/*.js) and, transitively, their dependencies, optional dependencies and the peer
// dependencies that are installed (TypeORM loads its driver, pg or better-sqlite3, that way).
// The Angular console, the build tools and the test tools stay behind.
// usage: node docker/runtime-deps.mjs <dist/apps/api> <node_modules> <out/node_modules>
import { builtinModules } from 'node:module';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const [distDir, modulesDir, outDir] = process.argv.slice(2);
if (!distDir || !modulesDir || !outDir) {
  process.stderr.write('usage: runtime-deps.mjs <dist dir> <node_modules> <out node_modules>\n');
  process.exit(2);
}
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const packageName = (request) =>
  request.startsWith('@') ? request.split('/').slice(0, 2).join('/') : request.split('/')[0];

const externals = new Set();
for (const file of readdirSync(distDir).filter((f) => f.endsWith('.js'))) {
  const source = readFileSync(join(distDir, file), 'utf8');
  for (const [, request] of source.matchAll(/require\("([^"./][^"]*)"\)/g))
    if (!builtins.has(request) && !builtins.has(packageName(request))) externals.add(packageName(request));
}

/** Node's lookup: the package's own node_modules, then each parent's, up to the root one. */
function resolvePackage(name, fromDir) {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === dirname(modulesDir) || dirname(dir) === dir) return null;
    dir = dirname(dir);
  }
}

const root = dirname(modulesDir);
const seen = new Set();
const missing = [];
const queue = [...externals].map((name) => ({ name, from: root, required: true }));
while (queue.length) {
  const { name, from, required } = queue.shift();
  const dir = resolvePackage(name, from);
  if (!dir) {
    if (required) missing.push(name);
    continue;
  }
  if (seen.has(dir)) continue;
  seen.add(dir);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const dep of Object.keys(manifest.dependencies ?? {}))
    queue.push({ name: dep, from: dir, required: true });
  for (const dep of Object.keys({ ...manifest.optionalDependencies, ...manifest.peerDependencies }))
    queue.push({ name: dep, from: dir, required: false });
}
if (missing.length) {
  process.stderr.write(`not installed, but the API needs: ${[...new Set(missing)].join(', ')}\n`);
  process.exit(1);
}

// A package nested in another's node_modules comes along with its parent's folder.
const dirs = [...seen].sort();
const topmost = dirs.filter((dir) => !dirs.some((other) => other !== dir && dir.startsWith(`${other}/`)));
mkdirSync(outDir, { recursive: true });
for (const dir of topmost) {
  const target = join(outDir, relative(modulesDir, dir));
  mkdirSync(dirname(target), { recursive: true });
  cpSync(dir, target, { recursive: true, verbatimSymlinks: true });
}
process.stdout.write(
  `${externals.size} packages loaded by the API, ${seen.size} with their dependencies, copied to ${outDir}\n`,
);

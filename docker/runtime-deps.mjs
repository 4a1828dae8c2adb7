#!/usr/bin/env node
// Copies the packages the built API loads at run time, and everything they need, from a full
// node_modules into a fresh one: the bundle's externals (the `require("…")` of a package in
// dist/apps/api/*.js) and, transitively, their dependencies, optional dependencies and the peer
// dependencies that are installed (TypeORM loads its driver, pg or better-sqlite3, that way).
// The Angular console, the build tools and the test tools stay behind.
// usage: node docker/runtime-deps.mjs <dist/apps/api> <node_modules> <out/node_modules>
import { builtinModules } from 'node:module';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
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
// A peer or optional dependency that is only a development tool here (TypeScript, SWC, ts-node)
// is not loaded by the built API.
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const devOnly = new Set(
  Object.keys(rootManifest.devDependencies ?? {}).filter(
    (name) => !(name in (rootManifest.dependencies ?? {})),
  ),
);
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
    if (!devOnly.has(dep)) queue.push({ name: dep, from: dir, required: false });
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
// Build leftovers of the one native module compiled from source: the binary stays.
for (const leftover of [
  'deps',
  'src',
  'build/Release/obj',
  'build/Release/obj.target',
  'build/Release/sqlite3.a',
  'build/Release/test_extension.node',
  'build/deps',
])
  rmSync(join(outDir, 'better-sqlite3', leftover), { recursive: true, force: true });
// What nothing loads at run time: type declarations, source maps, TypeScript sources, docs, and
// TypeORM's browser build. Licences stay.
const unused = /(\.d\.[cm]?ts|\.map|\.tsbuildinfo|(?<!\.d)\.ts|\.md|\.markdown)$/i;
let pruned = 0;
function prune(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) prune(path);
    else if (entry.isFile() && unused.test(entry.name) && !/^licen[cs]e/i.test(entry.name)) {
      pruned += statSync(path).size;
      rmSync(path);
    }
  }
}
rmSync(join(outDir, 'typeorm', 'browser'), { recursive: true, force: true });
prune(outDir);
process.stdout.write(
  `${externals.size} packages loaded by the API, ${seen.size} with their dependencies, copied to ${outDir} (${Math.round(pruned / 1e6)} MB of declarations, maps and docs left out)\n`,
);

#!/usr/bin/env node
// Refreshes the gateways' official OpenAPI documents vendored in apps/sandbox/specs/<gateway>/.
//
//   node scripts/vendor-gateway-specs.mjs <folder>    copy <folder>/<gateway>/<file> over the vendored
//                                                     copies and rewrite each gateway's source.json
//   node scripts/vendor-gateway-specs.mjs --check     verify the vendored files against source.json
//
// <folder> holds one sub-folder per gateway (stripe/, paypal/, square/…) with the files named in
// that gateway's source.json, as checked out from the upstream repository. When the sub-folder
// has a SOURCE.txt (or SOURCE.md) naming `commit: <sha> (<date>` lines, the commit of each file
// is taken from it; otherwise pass `--commit <gateway>=<sha>@<yyyy-mm-dd>`.
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { infoVersion, readManifest, vendoredSpecs as vendored } from './lib/gateway-specs.mjs';

// Every folder with a source.json is a gateway: a new one needs no change here.
const GATEWAYS = readdirSync(vendored).filter((name) => existsSync(join(vendored, name, 'source.json')));

function usage(message) {
  process.stderr.write(
    `${message}\nusage: node scripts/vendor-gateway-specs.mjs <folder> [--commit <gateway>=<sha>@<date>]...\n` +
      '       node scripts/vendor-gateway-specs.mjs --check\n',
  );
  process.exit(64);
}

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** `commit: <sha> (<date>` lines of an upstream SOURCE note, per file name (or for every file). */
function commitsFromNote(dir, names) {
  const note = ['SOURCE.txt', 'SOURCE.md'].map((n) => join(dir, n)).find(existsSync);
  if (!note) return {};
  const found = {};
  let current = null;
  for (const line of readFileSync(note, 'utf8').split('\n')) {
    const name = names.find((n) => line.trim() === n || line.trim().startsWith(`${n} `));
    if (name && !line.includes('commit')) current = name;
    const commit = /commit:\s*([0-9a-f]{40})\s*\((\d{4}-\d{2}-\d{2})/.exec(line);
    if (commit) found[current ?? '*'] = { commit: commit[1], commitDate: commit[2] };
  }
  return found;
}

function check() {
  const problems = [];
  for (const gateway of GATEWAYS) {
    const manifest = readManifest(gateway);
    for (const file of manifest.files) {
      const path = join(vendored, gateway, file.name);
      if (!existsSync(path)) problems.push(`${gateway}/${file.name}: missing`);
      else if (sha256(path) !== file.sha256)
        problems.push(`${gateway}/${file.name}: differs from source.json`);
    }
  }
  for (const p of problems) process.stderr.write(`${p}\n`);
  process.stdout.write(problems.length ? '' : 'vendored gateway specs match their source.json\n');
  return problems.length === 0;
}

function refresh(folder, overrides) {
  const today = new Date().toISOString().slice(0, 10);
  for (const gateway of GATEWAYS) {
    const from = join(folder, gateway);
    if (!existsSync(from)) {
      process.stdout.write(`${gateway}: no ${from}, left as it is\n`);
      continue;
    }
    const manifest = readManifest(gateway);
    const names = manifest.files.map((f) => f.name);
    const commits = commitsFromNote(from, names);
    for (const file of manifest.files) {
      const source = join(from, file.name);
      if (!existsSync(source)) usage(`${source} is missing: every file in ${gateway}/source.json is needed`);
      const target = join(vendored, gateway, file.name);
      const before = existsSync(target) ? sha256(target) : null;
      if (before) chmodSync(target, 0o644);
      copyFileSync(source, target);
      chmodSync(target, 0o644); // upstream checkouts may be read-only; the next refresh must overwrite
      const after = sha256(target);
      const commit = overrides[gateway] ?? commits[file.name] ?? commits['*'];
      if (commit) Object.assign(file, commit);
      if (after !== before) file.vendored = today;
      Object.assign(file, { sha256: after, bytes: statSync(target).size, infoVersion: infoVersion(target) });
      process.stdout.write(
        `${gateway}/${file.name}: ${after === before ? 'unchanged' : 'updated'} (info.version ${file.infoVersion}, commit ${file.commit.slice(0, 12)})\n`,
      );
    }
    writeFileSync(join(vendored, gateway, 'source.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    if (manifest.apiVersion?.value)
      process.stdout.write(
        `${gateway}: source.json states API version ${manifest.apiVersion.value}; change it if this commit is another release\n`,
      );
  }
}

const args = process.argv.slice(2);
if (args[0] === '--check') process.exit(check() ? 0 : 1);
const overrides = {};
let folder = null;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--commit') {
    const m = /^(\w+)=([0-9a-f]{40})@(\d{4}-\d{2}-\d{2})$/.exec(args[++i] ?? '');
    if (!m || !GATEWAYS.includes(m[1])) usage(`--commit wants <gateway>=<40-hex sha>@<yyyy-mm-dd>`);
    overrides[m[1]] = { commit: m[2], commitDate: m[3] };
  } else if (!folder) folder = resolve(args[i]);
  else usage(`unexpected argument ${args[i]}`);
}
if (!folder) usage('which folder?');
if (!existsSync(folder) || !statSync(folder).isDirectory()) usage(`${folder} is not a folder`);
refresh(folder, overrides);

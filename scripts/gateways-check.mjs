#!/usr/bin/env node
// `node scripts/gateways-check.mjs`: per installed gateway plugin, the API version its installed SDK pins,
// the one its descriptor states, the one the vendored OpenAPI document describes and the one the
// sandbox implements, and where they drift apart. Drift is information (exit 0); the exit code
// is 1 only when a version cannot be read, because then the comparison itself is blind.
//
//   node scripts/gateways-check.mjs [--json] [--specs <dir>]
//
// The conformance kit is the gate for an SDK upgrade (CONTRIBUTING.md, "Upgrading a gateway SDK").
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { vendoredApiVersion, vendoredSpecs, workspaceRoot as root } from './lib/gateway-specs.mjs';

const args = process.argv.slice(2);
const json = args.includes('--json');
const specsAt = args.indexOf('--specs');
const specsDir = specsAt >= 0 ? resolve(args[specsAt + 1] ?? '') : vendoredSpecs;

/**
 * Where each SDK keeps the API version it sends. A new gateway's SDK gets a line here; until it
 * has one, the check says it cannot read that version.
 */
const SDK_API_VERSION = {
  stripe: { file: 'cjs/apiVersion.js', pattern: /ApiVersion = '([^']+)'/ },
  square: {
    file: 'api/resources/payments/client/Client.js',
    pattern: /"Square-Version":[^"]*"(\d{4}-\d{2}-\d{2})"/,
  },
  '@paypal/paypal-server-sdk': {
    file: 'dist/cjs/controllers/ordersController.js',
    pattern: /'\/(v\d+)\/checkout\/orders'/,
  },
};

/** The descriptors, read from the TypeScript sources in a child process (ts-node, transpile only). */
function loadDescriptors() {
  const program = `
    const { INSTALLED } = require('./apps/api/src/app/plugins.ts');
    const { SANDBOXES } = require('./apps/sandbox/src/sandboxes.ts');
    process.stdout.write('\\n@@descriptors ' + JSON.stringify({
      plugins: INSTALLED.map((d) => ({ code: d.code, version: d.version, sdk: d.sdk, apiVersion: d.apiVersion })),
      sandboxes: SANDBOXES.map((s) => ({ code: s.code, apiVersion: s.apiVersion ?? null })),
    }) + '\\n');`;
  const result = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', '-e', program],
    {
      cwd: root,
      encoding: 'utf8',
      env: {
        ...process.env,
        TS_NODE_TRANSPILE_ONLY: 'true',
        TS_NODE_PROJECT: join(root, 'tsconfig.base.json'),
        TS_NODE_COMPILER_OPTIONS: JSON.stringify({ module: 'commonjs' }),
        LOG_LEVEL: 'silent',
      },
    },
  );
  const line = result.stdout.split('\n').find((l) => l.startsWith('@@descriptors '));
  if (!line) throw new Error(`could not load the gateway descriptors: ${result.stderr.trim().slice(-1500)}`);
  return JSON.parse(line.slice('@@descriptors '.length));
}

function installedSdk(pkg) {
  const dir = join(root, 'node_modules', ...pkg.split('/'));
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return { problem: `${pkg} is not installed` };
  const version = JSON.parse(readFileSync(manifest, 'utf8')).version;
  const reader = SDK_API_VERSION[pkg];
  if (!reader)
    return { version, problem: `no reader for ${pkg}'s API version in scripts/gateways-check.mjs` };
  const file = join(dir, reader.file);
  const match = existsSync(file) ? reader.pattern.exec(readFileSync(file, 'utf8')) : null;
  if (!match)
    return { version, problem: `${pkg} ${version}: its API version is no longer in ${reader.file}` };
  return { version, apiVersion: match[1] };
}

/** Orders two versions of one gateway: dated (`2026-10-28.endive`) or path majors (`v2`). */
function compare(a, b) {
  const date = (v) => /^(\d{4}-\d{2}-\d{2})/.exec(v)?.[1];
  const major = (v) => /^v(\d+)$/.exec(v)?.[1];
  if (date(a) && date(b)) return date(a) < date(b) ? -1 : date(a) > date(b) ? 1 : 0;
  if (major(a) && major(b)) return Math.sign(Number(major(a)) - Number(major(b)));
  return a === b ? 0 : NaN;
}

function check(plugin, sandbox) {
  const problems = [];
  const drift = [];
  const sdk = plugin.sdk ? installedSdk(plugin.sdk.package) : null;
  if (sdk?.problem) problems.push(sdk.problem);
  if (plugin.sdk && sdk?.version && sdk.version !== plugin.sdk.version)
    drift.push(
      `the descriptor names ${plugin.sdk.package} ${plugin.sdk.version}, ${sdk.version} is installed`,
    );
  const spec = vendoredApiVersion(plugin.code, specsDir);
  if (!spec) problems.push(`no readable API version in ${join(specsDir, plugin.code)}/source.json`);
  if (!sandbox)
    problems.push(`no sandbox for '${plugin.code}' (apps/sandbox/src/${plugin.code}/sandbox.descriptor.ts)`);
  else if (!sandbox.apiVersion) problems.push(`the '${plugin.code}' sandbox descriptor states no apiVersion`);

  // The SDK is the reference when there is one (it is what goes on the wire); else the descriptor.
  const reference = sdk?.apiVersion
    ? { what: `what ${plugin.sdk.package} ${sdk.version} pins`, value: sdk.apiVersion }
    : { what: 'what the plugin descriptor states', value: plugin.apiVersion.value };
  const others = [
    ['the plugin descriptor states', plugin.apiVersion.value, !sdk?.apiVersion],
    ['the vendored spec describes', spec?.value, false],
    ['the sandbox implements', sandbox?.apiVersion, false],
  ];
  for (const [what, value, isReference] of others) {
    if (!value || isReference) continue;
    const order = compare(value, reference.value);
    if (order === 0) continue;
    drift.push(
      Number.isNaN(order)
        ? `${what} ${value}, not comparable with ${reference.value}, ${reference.what}`
        : `${what} ${value}, ${order < 0 ? 'older' : 'newer'} than ${reference.value}, ${reference.what}`,
    );
  }
  return {
    code: plugin.code,
    plugin: plugin.version,
    header: plugin.apiVersion.header ?? null,
    sdk: plugin.sdk
      ? { package: plugin.sdk.package, installed: sdk?.version ?? null, apiVersion: sdk?.apiVersion ?? null }
      : null,
    descriptor: plugin.apiVersion.value,
    spec: spec ?? null,
    sandbox: sandbox?.apiVersion ?? null,
    drift,
    problems,
  };
}

let report;
try {
  const { plugins, sandboxes } = loadDescriptors();
  report = plugins.map((p) =>
    check(
      p,
      sandboxes.find((s) => s.code === p.code),
    ),
  );
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

const unreadable = report.filter((r) => r.problems.length);
if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else {
  for (const r of report) {
    const carried = r.header ? ` (${r.header})` : ' (in the path)';
    process.stdout.write(`\n${r.code}: plugin ${r.plugin}, API version${carried}\n`);
    const rows = [
      [
        'SDK pins',
        r.sdk
          ? `${r.sdk.apiVersion ?? '?'}  (${r.sdk.package} ${r.sdk.installed ?? 'not installed'})`
          : 'no SDK',
      ],
      ['descriptor states', r.descriptor],
      ['vendored spec', r.spec ? `${r.spec.value}  (${r.spec.source})` : '?'],
      ['sandbox implements', r.sandbox ?? '?'],
    ];
    for (const [label, value] of rows) process.stdout.write(`  ${label.padEnd(20)}${value}\n`);
    for (const d of r.drift) process.stdout.write(`  drift: ${d}\n`);
    for (const p of r.problems) process.stdout.write(`  cannot read: ${p}\n`);
  }
  const drifting = report.filter((r) => r.drift.length).length;
  process.stdout.write(
    `\n${report.length} gateways, ${drifting} with drift; ${unreadable.length ? `${unreadable.length} with a version that cannot be read` : 'every version read'}\n`,
  );
}
process.exit(unreadable.length ? 1 : 0);

#!/usr/bin/env node
// Proves the repository is self-contained: clones the committed HEAD into an empty temporary
// folder (nothing beside it), links this checkout's node_modules in, and runs the sandbox and
// gateway plugin suites there, which read the vendored gateway specs and nothing outside.
//
//   node scripts/check-clean-clone.mjs [--keep]     exit 0 when every suite passed in the clone
//
// Prints "N passed, N failed, N skipped" for the suites run in the clone.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const keep = process.argv.includes('--keep');
// The suites that read the gateways' OpenAPI documents; a new gateway's go here too.
const PROJECTS = [
  'apps/sandbox',
  ...readdirSync(join(root, 'plugins')).map((name) => `plugins/${name}`),
].filter((dir) => existsSync(join(root, dir, 'jest.config.ts')));

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.status !== 0 && !options.allowFailure)
    throw new Error(`${command} ${args.join(' ')} failed: ${(result.stderr || result.stdout).slice(-2000)}`);
  return result;
}

const parent = mkdtempSync(join(tmpdir(), 'payrail-clone-'));
const clone = join(parent, 'payrail');
let exitCode = 1;
try {
  const head = run('git', ['rev-parse', 'HEAD'], { cwd: root }).stdout.trim();
  const repository = realpathSync(
    run('git', ['rev-parse', '--git-common-dir'], { cwd: root }).stdout.trim() || '.git',
  );
  run('git', ['clone', '--quiet', '--no-checkout', repository, clone]);
  run('git', ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', head], { cwd: clone });
  const siblings = readdirSync(parent).filter((name) => name !== 'payrail');
  if (siblings.length) throw new Error(`the clone's folder is not alone: ${siblings.join(', ')}`);
  symlinkSync(realpathSync(join(root, 'node_modules')), join(clone, 'node_modules'), 'dir');
  process.stdout.write(`cloned ${head.slice(0, 12)} into ${clone}; running ${PROJECTS.join(', ')}\n`);

  const report = join(parent, 'report.json');
  const jest = run(
    process.execPath,
    [
      join(clone, 'node_modules', 'jest', 'bin', 'jest.js'),
      '--ci',
      '--maxWorkers=2',
      '--json',
      `--outputFile=${report}`,
      '--projects',
      ...PROJECTS.map((dir) => join(clone, dir)),
    ],
    {
      cwd: clone,
      allowFailure: true,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NX_TUI: 'false' },
    },
  );
  if (!existsSync(report)) throw new Error(`jest wrote no report in the clone (exit ${jest.status})`);
  const result = JSON.parse(readFileSync(report, 'utf8'));
  const failed = result.numFailedTests + result.numRuntimeErrorTestSuites;
  process.stdout.write(
    `${result.numPassedTests} passed, ${failed} failed, ${result.numPendingTests + result.numTodoTests} skipped\n`,
  );
  exitCode = jest.status === 0 && failed === 0 && result.numPassedTests > 0 ? 0 : 1;
} catch (error) {
  process.stderr.write(`${error.message}\n`);
} finally {
  if (keep) process.stdout.write(`kept ${parent}\n`);
  else rmSync(parent, { recursive: true, force: true });
}
process.exit(exitCode);

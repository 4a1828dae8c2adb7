import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { workspaceRoot } from '../../testing/workspace-root';

const root = workspaceRoot(__dirname);
const env = {
  ...process.env,
  NX_NO_CLOUD: 'true',
  NX_DAEMON: 'false',
  NX_TUI: 'false',
  FORCE_COLOR: '0',
  CI: 'true',
};
let workspace: string;
/** The workspace's files as copied, before the generator ran, with their contents then. */
let copied: Map<string, Buffer>;

/** Runs a command in the copy; its output is the failure message when it fails. */
function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, {
    cwd: workspace,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${output.slice(-6000)}`);
  return output;
}

const read = (path: string) => readFileSync(join(workspace, path), 'utf8');

// The generator is proven where it is used: on a copy of this workspace (its files as git sees
// them, node_modules linked), through the real `nx g`, lint and jest.
describe('nx g @payrail/plugin-sdk:gateway', () => {
  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'payrail-gateway-'));
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: root,
      encoding: 'utf8',
    })
      .split('\0')
      .filter((file) => file !== '' && file !== 'node_modules'); // a linked node_modules is not ignored as a folder is
    copied = new Map();
    for (const file of files) {
      if (!existsSync(join(root, file))) continue; // deleted in the working tree
      mkdirSync(dirname(join(workspace, file)), { recursive: true });
      copyFileSync(join(root, file), join(workspace, file));
      copied.set(file, readFileSync(join(workspace, file)));
    }
    symlinkSync(join(root, 'node_modules'), join(workspace, 'node_modules'), 'dir');
    run('npx', [
      'nx',
      'g',
      '@payrail/plugin-sdk:gateway',
      'zebrapay',
      '--displayName=Zebra Pay',
      '--no-interactive',
    ]);
  }, 120_000);

  afterAll(() => {
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it('lays out the plugin and its sandbox, and installs it in gateways.json', () => {
    for (const file of [
      'plugins/zebrapay/src/zebrapay.descriptor.ts',
      'plugins/zebrapay/src/zebrapay.plugin.ts',
      'plugins/zebrapay/src/zebrapay.gateway.ts',
      'plugins/zebrapay/src/zebrapay.transformers.ts',
      'plugins/zebrapay/src/zebrapay.webhooks.ts',
      'plugins/zebrapay/src/zebrapay.settlements.ts',
      'plugins/zebrapay/src/zebrapay.gateway.spec.ts',
      'plugins/zebrapay/README.md',
      'apps/sandbox/src/zebrapay/server.ts',
      'apps/sandbox/src/zebrapay/sandbox.descriptor.ts',
      'apps/sandbox/src/zebrapay/README.md',
      'apps/sandbox/specs/zebrapay/source.json',
    ])
      expect(existsSync(join(workspace, file))).toBe(true);
    const project = JSON.parse(read('plugins/zebrapay/project.json'));
    expect(project).toMatchObject({
      name: 'plugin-zebrapay',
      tags: ['type:plugin', 'gateway:zebrapay'],
      metadata: { gatewaySdk: [] },
    });
    // The new folders are reached through the wildcard path aliases, with no alias of their own.
    const paths = JSON.parse(read('tsconfig.base.json')).compilerOptions.paths;
    expect(paths['@payrail/plugin-*']).toEqual(['plugins/*/src/index.ts']);
    expect(paths['@payrail/sandbox/*']).toEqual(['apps/sandbox/src/*/index.ts']);
    expect(JSON.parse(read('gateways.json')).installed.at(-1)).toBe('zebrapay');
    // The next free sandbox port, and the display name where people read it.
    expect(read('plugins/zebrapay/src/zebrapay.descriptor.ts')).toMatch(/defaultPort: 12114,[\s\S]*/);
    expect(read('plugins/zebrapay/src/zebrapay.descriptor.ts')).toContain("displayName: 'Zebra Pay'");
  });

  it("writes one line outside the gateway's own folders: its code in gateways.json", () => {
    const own = ['plugins/zebrapay/', 'apps/sandbox/src/zebrapay/', 'apps/sandbox/specs/zebrapay/'];
    const changed = [...copied].filter(
      ([file, before]) => !readFileSync(join(workspace, file)).equals(before),
    );
    expect(changed.map(([file]) => file)).toEqual(['gateways.json']);
    const before = changed[0][1].toString('utf8').split('\n');
    const after = read('gateways.json').split('\n');
    expect(after).toHaveLength(before.length);
    expect(after.filter((line, i) => line !== before[i])).toHaveLength(1);
    // Every file the generator added is in one of the gateway's own folders.
    const added: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        const file = relative(workspace, path);
        if (file === 'node_modules' || file === '.nx' || file === '.git') continue;
        if (entry.isDirectory()) walk(path);
        else if (!copied.has(file)) added.push(file);
      }
    };
    walk(workspace);
    expect(added.length).toBeGreaterThan(0);
    expect(added.filter((file) => !own.some((folder) => file.startsWith(folder)))).toEqual([]);
  });

  it('refuses a second gateway of the same name', () => {
    expect(() =>
      run('npx', ['nx', 'g', '@payrail/plugin-sdk:gateway', 'zebrapay', '--no-interactive']),
    ).toThrow(/already exists/);
  }, 60_000);

  it('builds and lints clean, module boundaries included', () => {
    run('npx', ['tsc', '-p', 'plugins/zebrapay/tsconfig.spec.json', '--noEmit']);
    run('npx', ['tsc', '-p', 'apps/sandbox/tsconfig.app.json', '--noEmit']);
    run('npx', ['nx', 'run-many', '-t', 'lint', '-p', 'plugin-zebrapay,sandbox', '--skip-nx-cache']);
  }, 180_000);

  it('passes the conformance kit against its own sandbox, its versions read, and the API seeds a connection to it', () => {
    const plugin = run('npx', ['jest', '-c', 'plugins/zebrapay/jest.config.ts', '--ci', '--verbose']);
    expect(plugin).toMatch(/Zebra Pay gateway conformance/);
    // Every case ran and passed but the two for what the skeleton does not declare: several
    // captures of one authorization, and payouts (its sandbox makes none).
    const [, skipped, passed, total] =
      /Tests:\s+(?:(\d+) skipped, )?(\d+) passed, (\d+) total/.exec(plugin) ?? [];
    expect(Number(skipped ?? 0) + Number(passed)).toBe(Number(total));
    expect(
      plugin
        .match(/○ skipped .*/g)
        ?.map((line) => line.trim())
        .sort(),
    ).toEqual([
      '○ skipped captures several times when it allows multiple captures',
      "○ skipped pays out: a payout's entries add up to it",
    ]);
    // The version tooling can read every version the new gateway states.
    run('node', ['scripts/gateways-check.mjs']);
    run('node', ['scripts/vendor-gateway-specs.mjs', '--check']);
    const api = run('npx', [
      'jest',
      '-c',
      'apps/api/jest.config.ts',
      '--ci',
      '--verbose',
      'sandbox-connections',
    ]);
    expect(api).toMatch(/zebrapay: seeds the credentials and port its sandbox accepts/);
  }, 180_000);
});

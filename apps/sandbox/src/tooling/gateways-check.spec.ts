import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from '../kit/workspace';

interface GatewayReport {
  code: string;
  sdk: { package: string; installed: string | null; apiVersion: string | null } | null;
  descriptor: string;
  spec: { value: string; source: string } | null;
  sandbox: string | null;
  drift: string[];
  problems: string[];
}

const root = workspaceRoot();

function runCheck(...args: string[]): { status: number | null; report: GatewayReport[] } {
  const result = spawnSync(process.execPath, ['scripts/gateways-check.mjs', '--json', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  return { status: result.status, report: JSON.parse(result.stdout) as GatewayReport[] };
}

const installedVersion = (pkg: string) =>
  (JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string })
    .version;

describe('the gateway version check (scripts/gateways-check.mjs)', () => {
  it('reads every version, names the vendored specs older than the SDKs, and exits 0 on drift', () => {
    const { status, report } = runCheck();
    expect(status).toBe(0);
    const byCode = Object.fromEntries(report.map((r) => [r.code, r]));
    expect(Object.keys(byCode).sort()).toEqual(['paypal', 'square', 'stripe']);
    const sdks = { stripe: 'stripe', paypal: '@paypal/paypal-server-sdk', square: 'square' };
    for (const [code, pkg] of Object.entries(sdks)) {
      const row = byCode[code];
      expect(row.problems).toEqual([]);
      // Read from the installed package; what the SDK pins is what the plugin and the sandbox state.
      expect(row.sdk).toMatchObject({ package: pkg, installed: installedVersion(pkg) });
      expect(row.sdk?.apiVersion).toBe(row.descriptor);
      expect(row.sandbox).toBe(row.descriptor);
    }
    expect(byCode['stripe'].spec?.value).toBe('2023-08-16');
    expect(byCode['stripe'].drift).toEqual([
      expect.stringMatching(/vendored spec describes 2023-08-16, older than 2026-\d\d-\d\d/),
    ]);
    expect(byCode['square'].drift).toEqual([
      expect.stringMatching(/vendored spec describes 2025-08-20, older/),
    ]);
    expect(byCode['paypal']).toMatchObject({ spec: { value: 'v2' }, drift: [] });
  }, 90_000);

  it('exits non-zero, saying which, when a version cannot be read', () => {
    const empty = mkdtempSync(join(tmpdir(), 'payrail-no-specs-'));
    try {
      const { status, report } = runCheck('--specs', empty);
      expect(status).toBe(1);
      for (const row of report) expect(row.problems).toEqual([expect.stringMatching(/source\.json/)]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  }, 90_000);
});

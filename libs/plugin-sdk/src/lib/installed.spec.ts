import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '../testing/workspace-root';
import { defineGateway, defineSandbox } from './descriptor';
import { gatewayDescriptorOf, installedGatewayCodes, sandboxDescriptorOf } from './installed';

const acme = defineGateway({
  code: 'acme',
  displayName: 'Acme',
  version: '1.0.0',
  sdk: null,
  apiVersion: { value: 'v1' },
  plugin: () => ({ module: class AcmeModule {} }),
  secretPatterns: [/acme_test_[a-z0-9]+/g],
  webhookSignatureHeaders: ['acme-signature'],
  sandbox: { defaultPort: 12999, connectionValues: { secretKey: 'acme_test_key' }, testCards: [] },
});
const acmeSandbox = defineSandbox({
  code: 'acme',
  defaultPort: 12999,
  connectionValues: { secretKey: 'acme_test_key' },
  start: async () => ({ url: 'http://127.0.0.1:12999', close: async () => undefined }),
});

describe('the installed-gateways manifest', () => {
  it("reads the workspace's gateways.json", () => {
    const manifest = JSON.parse(readFileSync(join(workspaceRoot(__dirname), 'gateways.json'), 'utf8'));
    expect(installedGatewayCodes(manifest)).toEqual(expect.arrayContaining(['stripe', 'paypal', 'square']));
  });

  it.each([
    [null, /must hold \{ "installed"/],
    [{}, /must hold \{ "installed"/],
    [{ installed: 'stripe' }, /must hold \{ "installed"/],
    [{ installed: ['Stripe'] }, /'Stripe' is not a gateway code/],
    [{ installed: [7] }, /'7' is not a gateway code/],
    [{ installed: ['stripe', 'stripe'] }, /lists 'stripe' twice/],
  ])('refuses %j, saying why', (manifest, message) => {
    expect(() => installedGatewayCodes(manifest)).toThrow(message);
  });

  it('finds the descriptor a plugin entry exports for its code, among its other exports', () => {
    const entry = { AcmePlugin: class {}, ACME_FIELDS: [], ACME_DESCRIPTOR: acme };
    expect(gatewayDescriptorOf(entry, 'acme', 'plugins/acme/src/index.ts')).toBe(acme);
  });

  it('names the entry that exports no descriptor for the code', () => {
    expect(() => gatewayDescriptorOf({ ACME_DESCRIPTOR: acme }, 'zeta', 'plugins/zeta/src/index.ts')).toThrow(
      "plugins/zeta/src/index.ts must export exactly one gateway descriptor (defineGateway) with code 'zeta'; it exports 0",
    );
  });

  it('finds the sandbox descriptor, and does not take a gateway descriptor for one', () => {
    const where = 'apps/sandbox/src/acme/sandbox.descriptor.ts';
    expect(sandboxDescriptorOf({ ACME_SANDBOX: acmeSandbox }, 'acme', where)).toBe(acmeSandbox);
    expect(() => sandboxDescriptorOf({ ACME_DESCRIPTOR: acme }, 'acme', where)).toThrow(/exports 0/);
    expect(() => sandboxDescriptorOf({ a: acmeSandbox, b: { ...acmeSandbox } }, 'acme', where)).toThrow(
      /exports 2/,
    );
  });
});

import { sandboxPortVariable } from '@payrail/plugin-sdk';
import { SANDBOXES } from '@payrail/sandbox';
import { KNOWN_PLUGINS, loadConfig } from './config';
import { INSTALLED, pluginModules } from './plugins';
import { sandboxConnections } from './sandbox-connections';

describe('default sandbox connections', () => {
  const seeded = sandboxConnections(loadConfig({}));

  it.each(INSTALLED.map((d) => [d.code, d] as const))(
    '%s: seeds the credentials and port its sandbox accepts out of the box',
    (code, descriptor) => {
      const sandbox = SANDBOXES.find((s) => s.code === code);
      expect(sandbox).toBeDefined();
      expect(descriptor.sandbox.defaultPort).toBe(sandbox!.defaultPort);
      expect(seeded[code].values).toEqual({ ...sandbox!.connectionValues });
      expect(seeded[code].baseUrl).toBe(`http://127.0.0.1:${sandbox!.defaultPort}`);
    },
  );

  it('give every installed gateway a sandbox on its own port', () => {
    expect(SANDBOXES.map((s) => s.code).sort()).toEqual([...KNOWN_PLUGINS].sort());
    const ports = INSTALLED.map((d) => d.sandbox.defaultPort);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('follow a sandbox moved by its PAYRAIL_SANDBOX_<CODE>_PORT variable', () => {
    const moved = sandboxConnections(
      loadConfig({ [sandboxPortVariable('paypal')]: '23456', PAYRAIL_SANDBOX_HOST: 'sandbox.internal' }),
    );
    expect(moved['paypal'].baseUrl).toBe('http://sandbox.internal:23456');
    expect(moved['stripe'].baseUrl).toBe(
      `http://sandbox.internal:${SANDBOXES.find((s) => s.code === 'stripe')!.defaultPort}`,
    );
  });

  it('are test values only', () => {
    for (const { values } of Object.values(seeded))
      for (const value of Object.values(values)) expect(value).not.toMatch(/_live_/);
  });

  it('compose only the plugins PAYRAIL_PLUGINS enables, each with its descriptor', () => {
    const modules = pluginModules(loadConfig({ PAYRAIL_PLUGINS: 'square,stripe' }));
    expect(modules.map((m) => m.module.name)).toEqual(['SquarePlugin', 'StripePlugin']);
  });
});

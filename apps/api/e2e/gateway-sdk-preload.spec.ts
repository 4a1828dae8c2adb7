import { ConnectionService, GatewayRegistry } from '@payrail/gateways';
import { canLoadSdkAhead } from '@payrail/plugin-sdk';
import { BootstrapService } from '../src/app/bootstrap.service';
import { dbLabel, describeDb } from './harness';
import { startSandboxedApi, type SandboxedApi } from './sandboxes';

const CODES = ['paypal', 'square', 'stripe'] as const;

describeDb(`gateway SDKs are loaded before the API reports ready ${dbLabel}`, () => {
  let env: SandboxedApi;
  let connections: ConnectionService;
  let registry: GatewayRegistry;

  beforeAll(async () => {
    env = await startSandboxedApi();
    connections = env.api.app.get(ConnectionService);
    registry = env.api.app.get(GatewayRegistry);
  }, 60_000);

  afterAll(async () => {
    jest.restoreAllMocks();
    await env?.close();
  });

  const spies = () =>
    Object.fromEntries(
      CODES.map((code) => {
        const gateway = registry.get(code);
        if (!gateway || !canLoadSdkAhead(gateway)) throw new Error(`${code} cannot load its SDK ahead`);
        return [code, jest.spyOn(gateway, 'loadSdk')];
      }),
    );

  it('loads the SDK of every gateway with an enabled connection when it prepares to start', async () => {
    expect(await connections.gatewaysInUse()).toEqual([...CODES]);
    const loaded = spies();
    await env.api.app.get(BootstrapService).prepare();
    for (const code of CODES) expect(loaded[code]).toHaveBeenCalledTimes(1);
  });

  it('leaves alone the SDK of a gateway whose connections are all disabled', async () => {
    const square = await connections.findForMerchant(env.api.merchantId, 'square');
    expect(square.length).toBeGreaterThan(0);
    for (const record of square) await connections.save(Object.assign(record, { enabled: false }));
    try {
      expect(await connections.gatewaysInUse()).toEqual(['paypal', 'stripe']);
      jest.restoreAllMocks();
      const loaded = spies();
      await env.api.app.get(BootstrapService).prepare();
      expect(loaded['square']).not.toHaveBeenCalled();
      expect(loaded['stripe']).toHaveBeenCalledTimes(1);
    } finally {
      for (const record of square) await connections.save(Object.assign(record, { enabled: true }));
    }
  });
});

import { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { WebhookEndpoint } from '@payrail/webhooks';
import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';

let api: TestApi;

beforeAll(async () => {
  // The loopback allowance for test receivers stays on, as in the other webhook specs.
  api = await startTestApi({ env: { PAYRAIL_WEBHOOK_ALLOW_HTTP_LOOPBACK: 'on' } });
}, 60_000);

afterAll(async () => {
  await api?.close();
});

const test = (name: string, fn: (api: TestApi) => Promise<void>) => it(name, async () => fn(api), 40_000);

const endpointCount = (api: TestApi) =>
  api.app.get<DataSource>(getDataSourceToken()).getRepository(WebhookEndpoint).count();

describeDb(
  `webhook endpoint registration refuses internal targets however they are written ${dbLabel}`,
  () => {
    const internal = [
      ['https://[64:ff9b::7f00:1]/hook', /loopback/],
      ['https://[64:ff9b::a9fe:a9fe]/hook', /metadata/],
      ['https://[::127.0.0.1]/hook', /loopback/],
      ['https://[::ffff:0:7f00:1]/hook', /loopback/],
      ['https://[2002:7f00:1::1]/hook', /loopback/],
      ['https://[2002:a9fe:a9fe::1]/hook', /metadata/],
      ['https://[fec0::1]/hook', /private/],
      ['https://192.0.2.1/hook', /reserved/],
      ['https://0x0a.1/hook', /private/],
      ['https://0xa9.0xfe.0xa9.0xfe/latest/meta-data', /metadata/],
      ['https://2852039166/latest/meta-data', /metadata/],
      ['http://[64:ff9b::7f00:1]:9/hook', /loopback/],
    ] as const;

    test('answers 400 naming url for each, and stores no endpoint', async (api) => {
      const before = await endpointCount(api);
      for (const [url, reason] of internal) {
        const refused = await api.request('POST', '/v1/webhook_endpoints', { url, event_types: ['*'] });
        expect([url, refused.status, refused.body.error?.param]).toEqual([url, 400, 'url']);
        expect(refused.body.error.message).toMatch(reason);
      }
      expect(await endpointCount(api)).toBe(before);
    });

    test('still registers a loopback test receiver when the test setting allows it', async (api) => {
      const created = await api.request('POST', '/v1/webhook_endpoints', {
        url: 'http://127.0.0.1:9/hook',
        event_types: ['*'],
      });
      expect(created.status).toBe(201);
    });
  },
);

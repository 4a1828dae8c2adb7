import { ConnectionService } from '@payrail/gateways';
import { AdminPaymentsService } from '@payrail/payments';
import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';

let api: TestApi;
let service: AdminPaymentsService;
const ids: Record<string, string> = {};

beforeAll(async () => {
  api = await startTestApi({ memory: true });
  service = api.app.get(AdminPaymentsService);
  const pay = async (name: string, body: Record<string, unknown>) => {
    const response = await api!.request('POST', '/v1/payments', {
      currency: 'usd',
      capture_method: 'manual',
      payment_method: { token: 'tok_ok' },
      ...body,
    });
    ids[name] = response.body.id ?? response.body.error?.payment_id;
  };
  await pay('small', { amount: 500, customer: { email: 'Ada@Example.com' }, description: 'Coffee beans' });
  await pay('large', { amount: 90000, capture_method: 'automatic', description: 'Espresso machine' });
  await pay('declined', { amount: 1200, payment_method: { token: 'tok_declined' } });
  await pay('euro', { amount: 2500, currency: 'eur', capture_method: 'automatic' });
}, 60_000);

afterAll(async () => {
  await api?.close();
});

const test = (name: string, fn: (api: TestApi) => Promise<void>) =>
  it(name, async () => {
    await fn(api);
  });

const page = { page: 1, pageSize: 25 };

describeDb(`the console's payment search ${dbLabel}`, () => {
  test('finds by status, amount range, customer email (any case) and id or description', async () => {
    const idsOf = async (filter: Parameters<AdminPaymentsService['search']>[1]) =>
      (await service.search('all', filter)).data.map((p) => p.id).sort();
    expect(await idsOf({ ...page, status: 'failed' })).toEqual([ids['declined']]);
    expect(await idsOf({ ...page, amountMin: 1000, amountMax: 3000 })).toEqual(
      [ids['declined'], ids['euro']].sort(),
    );
    expect(await idsOf({ ...page, customerEmail: 'ada@example.COM' })).toEqual([ids['small']]);
    expect(await idsOf({ ...page, q: ids['large'] })).toEqual([ids['large']]);
    expect(await idsOf({ ...page, q: 'espresso' })).toEqual([ids['large']]);
    expect(await idsOf({ ...page, from: new Date(Date.now() + 60_000) })).toEqual([]);
  });

  test('pages on the server: newest first, with the total count', async () => {
    const first = await service.search('all', { page: 1, pageSize: 3 });
    const second = await service.search('all', { page: 2, pageSize: 3 });
    expect(first.total).toBe(4);
    expect(first.data).toHaveLength(3);
    expect(second.data.map((p) => p.id)).toEqual([ids['small']]);
  });

  test('shows nothing of a merchant the admin cannot see, and 404s its payment', async () => {
    expect((await service.search(['mer_someone_else'], page)).total).toBe(0);
    await expect(service.get(['mer_someone_else'], ids['small'])).rejects.toMatchObject({ status: 404 });
    expect((await service.get([api!.merchantId], ids['small'])).id).toBe(ids['small']);
  });

  test("sums today's volume and success rate per gateway, and lists failures with their codes", async () => {
    const dashboard = await service.dashboard('all');
    expect(dashboard.gateways).toEqual([
      expect.objectContaining({
        gateway: 'memory',
        attempts: 4,
        succeeded: 3,
        failed: 1,
        success_rate: 0.75,
        volume: expect.arrayContaining([
          { currency: 'usd', amount: 90500 },
          { currency: 'eur', amount: 2500 },
        ]),
      }),
    ]);
    expect(dashboard.recent_failures).toEqual([
      expect.objectContaining({ payment_id: ids['declined'], code: 'card_declined', amount: 1200 }),
    ]);
  });

  test('offers the virtual terminal only test-mode connections', async (api) => {
    const options = await service.terminalOptions('all');
    expect(options.connections.map((c) => c.id)).toEqual([api.memoryConnectionId]);
    await api.app.get(ConnectionService).setEnabled(api.memoryConnectionId!, false);
    expect((await service.terminalOptions('all')).connections).toEqual([]);
    await api.app.get(ConnectionService).setEnabled(api.memoryConnectionId!, true);
    expect(options.test_cards.find((c) => c.number === '4242424242424242')?.outcome).toBe('succeeds');
  });
});

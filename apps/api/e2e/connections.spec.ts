import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { newId } from '@payrail/database';
import { Merchant } from '@payrail/identity';
import { adminSession, type AdminRequest } from './admin-session';
import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';

const KEY = 'mem_test_connectionSpecSecret0042';
const NEW_KEY = 'mem_test_rotatedCredential9911';

let api: TestApi;
let owner: AdminRequest;
let ownerId: string;

beforeAll(async () => {
  api = await startTestApi({ memory: true });
  ({ request: owner, userId: ownerId } = await adminSession(api, [{ role: 'owner', merchantId: null }]));
}, 60_000);

afterAll(async () => {
  await api?.close();
});

const test = (name: string, fn: (api: TestApi) => Promise<void>) =>
  it(
    name,
    async () => {
      await fn(api);
    },
    30_000,
  );

const rawRows = async (api: TestApi, sql: string, params: unknown[] = []) =>
  api.app.get<DataSource>(getDataSourceToken()).query(sql, params);
const auditOf = async (api: TestApi, resourceId: string) =>
  (await owner('GET', `/admin/audit?resource_id=${resourceId}&order=asc`)).body.data as any[];

describeDb(`connections admin API ${dbLabel}`, () => {
  test('lists installed plugins with their fields and capabilities', async () => {
    const res = await owner('GET', '/admin/plugins');
    expect(res.status).toBe(200);
    const memory = res.body.data.find((p: any) => p.code === 'memory');
    expect(memory).toMatchObject({
      version: '1.0.0',
      sdk: { package: '@payrail/plugin-sdk' },
      api_version: { value: '1' },
    });
    expect(memory.fields).toContainEqual(
      expect.objectContaining({ key: 'apiKey', secret: true, required: true, pattern: '^mem_(test|live)_' }),
    );
    expect(memory.capabilities).toMatchObject({
      partial_capture: expect.any(Boolean),
      void: expect.any(Boolean),
      currencies: expect.anything(),
    });
  });

  test('creates a connection: the plugin checks it, the secret is sealed and never returned, and the trail records it', async (api) => {
    const res = await owner('POST', '/admin/connections', {
      merchant_id: api.merchantId,
      gateway: 'memory',
      mode: 'test',
      name: 'Memory A',
      values: { apiKey: KEY },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      object: 'connection',
      gateway: 'memory',
      mode: 'test',
      enabled: true,
      secret_hints: { apiKey: '****0042' },
      credential_check: { valid: true, mode: 'test', problems: [], account: { id: 'acct_memory' } },
    });
    expect(JSON.stringify(res.body)).not.toContain(KEY);

    const [row] = await rawRows(
      api,
      'SELECT secret_values, public_values FROM gateway_connections WHERE id = $1'.replace(
        '$1',
        api.database.kind === 'sqlite' ? '?' : '$1',
      ),
      [res.body.id],
    );
    expect(row.secret_values).not.toContain('connectionSpecSecret');
    expect(JSON.parse(row.secret_values)).toMatchObject({ v: 1, kid: expect.stringMatching(/^mk_/) });

    const listed = await owner('GET', `/admin/connections?merchant_id=${api.merchantId}`);
    expect(listed.body.data.map((c: any) => c.id)).toContain(res.body.id);
    expect(JSON.stringify(listed.body)).not.toContain(KEY);

    const [created] = await auditOf(api, res.body.id);
    expect(created).toMatchObject({
      action: 'connection.created',
      actor_type: 'user',
      actor_id: ownerId,
      user_agent: 'payrail-spec/1.0',
      merchant_id: api.merchantId,
      outcome: 'success',
    });
    expect(created.request_id).toMatch(/^req_/);
    expect(created.change.after.secretHints).toEqual([{ field: 'apiKey', hint: '****0042' }]);
    expect(JSON.stringify(created)).not.toContain(KEY);
  });

  it.each([
    [
      'a live key on a test connection',
      { mode: 'test', values: { apiKey: 'mem_live_wrongModeKey1234' } },
      'values.apiKey',
      /live/,
    ],
    [
      'a test key on a live connection',
      { mode: 'live', values: { apiKey: 'mem_test_wrongModeKey1234' } },
      'values.apiKey',
      /test/,
    ],
    [
      'a base URL on a live connection',
      { mode: 'live', values: { apiKey: 'mem_live_rightModeKey1234' }, base_url: 'http://127.0.0.1:9' },
      'base_url',
      /live connection/,
    ],
    [
      'an unknown field',
      { mode: 'test', values: { apiKey: KEY, colour: 'red' } },
      'values.colour',
      /not a memory connection field/,
    ],
    ['a missing required field', { mode: 'test', values: {} }, 'values.apiKey', /required/],
    [
      'a value that does not match the field',
      { mode: 'test', values: { apiKey: 'sk_test_notAMemoryKey1234' } },
      'values.apiKey',
      /does not look right/,
    ],
    [
      'a malformed env reference',
      { mode: 'test', values: { apiKey: 'env:1NOT-A-NAME' } },
      'values.apiKey',
      /does not name an environment variable/,
    ],
    [
      'an unknown plugin',
      { mode: 'test', gateway: 'bitcoin', values: { apiKey: KEY } },
      'gateway',
      /not installed/,
    ],
    ['an unknown mode', { mode: 'staging', values: { apiKey: KEY } }, 'mode', /mode/],
    [
      'an unknown body field',
      { mode: 'test', values: { apiKey: KEY }, secret: 'x' },
      'secret',
      /unknown parameter/,
    ],
  ])('refuses %s with 400 naming the field, and stores nothing', async (_name, body, param, message) => {
    const before = (await owner('GET', `/admin/connections?merchant_id=${api.merchantId}`)).body.data.length;
    const res = await owner('POST', '/admin/connections', {
      merchant_id: api.merchantId,
      gateway: 'memory',
      ...body,
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param });
    expect(res.body.error.message).toMatch(message);
    expect(JSON.stringify(res.body)).not.toMatch(/wrongModeKey|rightModeKey|notAMemoryKey/);
    expect((await owner('GET', `/admin/connections?merchant_id=${api.merchantId}`)).body.data.length).toBe(
      before,
    );
  });

  test('changes credentials: checks them again, keeps unsent secrets, records which fields changed without values', async (api) => {
    const created = (
      await owner('POST', '/admin/connections', {
        merchant_id: api.merchantId,
        gateway: 'memory',
        mode: 'test',
        values: { apiKey: KEY, webhookSecret: 'memory-webhook-secret-1' },
      })
    ).body;
    const res = await owner('PATCH', `/admin/connections/${created.id}`, {
      values: { apiKey: NEW_KEY },
      name: 'Renamed',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'Renamed',
      secret_hints: { apiKey: '****9911', webhookSecret: '****et-1' },
      credential_check: { valid: true },
    });
    expect(res.body.credential_check.checked_at >= created.credential_check.checked_at).toBe(true);

    const refused = await owner('PATCH', `/admin/connections/${created.id}`, {
      values: { apiKey: 'mem_live_notOnTestPlease1' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.param).toBe('values.apiKey');

    const entries = await auditOf(api, created.id);
    expect(entries.map((e) => e.action)).toEqual([
      'connection.created',
      'connection.credentials_changed',
      'connection.updated',
    ]);
    expect(entries[1].change.after.changedFields).toEqual(['apiKey']);
    expect(entries[1].change.before.secretHints).toContainEqual({ field: 'apiKey', hint: '****0042' });
    expect(entries[1].change.after.secretHints).toContainEqual({ field: 'apiKey', hint: '****9911' });
    expect(JSON.stringify(entries)).not.toMatch(
      /rotatedCredential|connectionSpecSecret|memory-webhook-secret/,
    );
  });

  test('disables, enables and deletes; a disabled connection takes no payment, an enabled one cannot be deleted', async (api) => {
    const created = (
      await owner('POST', '/admin/connections', {
        merchant_id: api.merchantId,
        gateway: 'memory',
        mode: 'test',
        values: { apiKey: KEY },
      })
    ).body;
    const pay = () =>
      api.request('POST', '/v1/payments', {
        amount: 500,
        currency: 'usd',
        capture_method: 'manual',
        connection_id: created.id,
        payment_method: { token: 'tok_visa' },
      });

    expect((await owner('POST', `/admin/connections/${created.id}/disable`)).body.enabled).toBe(false);
    const refused = await pay();
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      param: 'connection_id',
      message: expect.stringMatching(/disabled/),
    });

    expect((await owner('POST', `/admin/connections/${created.id}/enable`)).body.enabled).toBe(true);
    expect((await pay()).status).toBe(201);

    const enabledDelete = await owner('DELETE', `/admin/connections/${created.id}`);
    expect(enabledDelete.status).toBe(409);
    await owner('PATCH', `/admin/connections/${created.id}`, { enabled: false });
    expect((await owner('DELETE', `/admin/connections/${created.id}`)).body).toEqual({
      id: created.id,
      object: 'connection',
      deleted: true,
    });
    expect((await owner('GET', `/admin/connections/${created.id}`)).status).toBe(404);

    const actions = (await auditOf(api, created.id)).map((e) => e.action);
    expect(actions).toEqual([
      'connection.created',
      'connection.disabled',
      'connection.enabled',
      'connection.disabled',
      'connection.deleted',
    ]);
  });

  test('takes an env: reference, shows it as the hint, resolves it at each use, and names it when it is unset', async (api) => {
    process.env['PAYRAIL_SPEC_MEMORY_KEY'] = KEY;
    try {
      const created = await owner('POST', '/admin/connections', {
        merchant_id: api.merchantId,
        gateway: 'memory',
        mode: 'test',
        values: { apiKey: 'env:PAYRAIL_SPEC_MEMORY_KEY' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        secret_hints: { apiKey: 'env:PAYRAIL_SPEC_MEMORY_KEY' },
        credential_check: { valid: true },
      });
      const pay = () =>
        api.request('POST', '/v1/payments', {
          amount: 700,
          currency: 'usd',
          capture_method: 'automatic',
          connection_id: created.body.id,
          payment_method: { token: 'tok_visa' },
        });
      const paid = await pay();
      expect(paid.status).toBe(201);
      expect(paid.body.status).toBe('captured');

      delete process.env['PAYRAIL_SPEC_MEMORY_KEY'];
      const refused = await pay();
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toMatch(/PAYRAIL_SPEC_MEMORY_KEY .*is not set/);
      expect(JSON.stringify(refused.body)).not.toContain(KEY);

      const recheck = await owner('POST', `/admin/connections/${created.body.id}/check`);
      expect(recheck.body.credential_check).toMatchObject({
        valid: false,
        problems: [expect.stringMatching(/PAYRAIL_SPEC_MEMORY_KEY/)],
      });
    } finally {
      delete process.env['PAYRAIL_SPEC_MEMORY_KEY'];
    }
  });

  test("keeps each admin to their merchants: another merchant's connection is a 404, a read-only role cannot create", async (api) => {
    const dataSource = api.app.get<DataSource>(getDataSourceToken());
    const other = await dataSource
      .getRepository(Merchant)
      .save(
        dataSource
          .getRepository(Merchant)
          .create({ id: newId('mer'), name: 'Other merchant', isDefault: false }),
      );
    const theirs = (
      await owner('POST', '/admin/connections', {
        merchant_id: other.id,
        gateway: 'memory',
        mode: 'test',
        values: { apiKey: KEY },
      })
    ).body;
    const ours = (
      await owner('POST', '/admin/connections', {
        merchant_id: api.merchantId,
        gateway: 'memory',
        mode: 'test',
        values: { apiKey: KEY },
      })
    ).body;

    const { request: scoped } = await adminSession(api, [{ role: 'admin', merchantId: api.merchantId }]);
    const listed = (await scoped('GET', '/admin/connections')).body.data.map((c: any) => c.id);
    expect(listed).toContain(ours.id);
    expect(listed).not.toContain(theirs.id);
    expect((await scoped('GET', `/admin/connections/${theirs.id}`)).status).toBe(404);
    expect((await scoped('PATCH', `/admin/connections/${theirs.id}`, { name: 'mine now' })).status).toBe(404);
    expect((await scoped('GET', `/admin/connections?merchant_id=${other.id}`)).status).toBe(404);
    expect(
      (
        await scoped('POST', '/admin/connections', {
          merchant_id: other.id,
          gateway: 'memory',
          mode: 'test',
          values: { apiKey: KEY },
        })
      ).status,
    ).toBe(404);

    const { request: finance } = await adminSession(api, [{ role: 'finance', merchantId: api.merchantId }]);
    expect((await finance('GET', `/admin/connections/${ours.id}`)).status).toBe(200);
    const denied = await finance('POST', '/admin/connections', {
      merchant_id: api.merchantId,
      gateway: 'memory',
      mode: 'test',
      values: { apiKey: KEY },
    });
    expect(denied.status).toBe(403);
  });

  test('records every capture, void and refund with the API key, origin and request id', async (api) => {
    const create = (capture_method: string) =>
      api.request(
        'POST',
        '/v1/payments',
        {
          amount: 1000,
          currency: 'usd',
          capture_method,
          connection_id: api.memoryConnectionId,
          payment_method: { token: 'tok_visa' },
        },
        { 'user-agent': 'merchant-app/2.0', 'request-id': 'req_spec_capture_0001' },
      );
    const captured = (await create('manual')).body;
    await api.request(
      'POST',
      `/v1/payments/${captured.id}/capture`,
      { amount: 600 },
      { 'request-id': 'req_spec_capture_0002' },
    );
    await api.request('POST', `/v1/payments/${captured.id}/refunds`, { amount: 200 });
    const voided = (await create('manual')).body;
    await api.request('POST', `/v1/payments/${voided.id}/void`);

    const forCaptured = (await auditOf(api, captured.id)).map((e) => [
      e.action,
      e.outcome,
      e.change.after.amount,
    ]);
    expect(forCaptured).toEqual([
      ['payment.captured', 'success', 600],
      ['payment.refunded', 'success', 200],
    ]);
    const [capture] = await auditOf(api, captured.id);
    expect(capture).toMatchObject({
      actor_type: 'api_key',
      actor_id: expect.stringMatching(/^key_/),
      request_id: 'req_spec_capture_0002',
      origin_ip: expect.stringMatching(/127\.0\.0\.1/),
      merchant_id: api.merchantId,
      resource_type: 'payment',
    });
    expect((await auditOf(api, voided.id)).map((e) => e.action)).toEqual(['payment.voided']);
  });
});

import { randomBytes } from 'node:crypto';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '@payrail/audit';
import { TransactionRunner } from '@payrail/database';
import { ConnectionService } from '@payrail/gateways';
import { Keyring, masterKeyFrom, rewrapAll, SecretBox } from '@payrail/secrets';
import { rotateMasterKey, rotationKeyring } from '../src/app/master-key-rotation';
import { EndpointsService } from '@payrail/webhooks';
import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';

const ROWS = Number(process.env['PAYRAIL_ROTATION_ROWS'] ?? 300);
const OLD = randomBytes(32).toString('base64');
const NEW = randomBytes(32).toString('base64');
const secretOf = (i: number) => `mem_test_rotationSecret${String(i).padStart(6, '0')}`;

let api: TestApi;
const savedPrevious = process.env['PAYRAIL_MASTER_KEY_PREVIOUS'];

beforeAll(async () => {
  // Step 1 of the procedure is done: the instance runs with the new key current and the old one previous.
  process.env['PAYRAIL_MASTER_KEY_PREVIOUS'] = OLD;
  api = await startTestApi({
    memory: true,
    env: { PAYRAIL_MASTER_KEY: NEW, PAYRAIL_WEBHOOK_ALLOW_HTTP_LOOPBACK: 'on' },
  });
}, 60_000);

afterAll(async () => {
  if (savedPrevious === undefined) delete process.env['PAYRAIL_MASTER_KEY_PREVIOUS'];
  else process.env['PAYRAIL_MASTER_KEY_PREVIOUS'] = savedPrevious;
  await api?.close();
});

describeDb(`master-key rotation ${dbLabel}`, () => {
  it(`re-wraps ${ROWS} connections under the new key while payments keep flowing, and everything still decrypts`, async () => {
    const connections = api.app.get(ConnectionService);
    const transactions = api.app.get(TransactionRunner);
    const dataSource = api.app.get<DataSource>(getDataSourceToken());
    const ids: string[] = [];
    for (let i = 0; i < ROWS; i++) {
      const record = await connections.create(
        {
          merchantId: api.merchantId,
          gateway: 'memory',
          mode: 'test',
          name: `rotation ${i}`,
          values: { apiKey: secretOf(i) },
        },
        undefined,
        { check: false },
      );
      ids.push(record.id);
    }
    // A merchant's webhook endpoint: its signing secret is sealed too.
    const { endpoint, secret: endpointSecret } = await api.app.get(EndpointsService).create(api.merchantId, {
      mode: 'test',
      url: 'http://127.0.0.1:9/payrail-events',
      eventTypes: ['payment.refunded'],
    });
    // Everything as it was before the rotation: sealed under the old key.
    const oldOnly = new SecretBox(new Keyring(masterKeyFrom(OLD), [masterKeyFrom(NEW)]));
    await rewrapAll(transactions, oldOnly);
    await rewrapAll(transactions, oldOnly, {
      location: { table: 'webhook_endpoints', column: 'secret_sealed' },
    });

    const loaded = new Keyring(masterKeyFrom(NEW), [masterKeyFrom(OLD)]);
    const pay = () =>
      api!.request('POST', '/v1/payments', {
        amount: 900,
        currency: 'usd',
        capture_method: 'automatic',
        connection_id: ids[0],
        payment_method: { token: 'tok_ok' },
      });

    const started = performance.now();
    const [result, during] = await Promise.all([
      rotateMasterKey({ transactions, audit: api.app.get(AuditService) }, rotationKeyring(NEW, loaded), {
        batchSize: 100,
        context: { actor: { type: 'system', id: 'spec' } },
      }),
      pay(),
    ]);
    const elapsed = Math.round(performance.now() - started);
    process.stdout.write(
      `master-key rotation ${dbLabel}: ${result.rewrapped} of ${result.scanned} connections rewrapped in ${elapsed} ms\n`,
    );

    expect(during.status).toBe(201);
    expect(result).toMatchObject({
      keyId: masterKeyFrom(NEW).id,
      failed: 0,
      rewrappedFrom: { [masterKeyFrom(OLD).id]: result.rewrapped },
    });
    expect(result.rewrapped).toBeGreaterThanOrEqual(ROWS);

    const newOnly = new SecretBox(new Keyring(masterKeyFrom(NEW)));
    const rows: { id: string; secret_values: string }[] = await dataSource.query(
      'SELECT id, secret_values FROM gateway_connections',
    );
    const byId = new Map(rows.map((r) => [r.id, r.secret_values]));
    ids.forEach((id, i) => {
      const stored = byId.get(id) as string;
      expect(stored).not.toContain('rotationSecret');
      expect(newOnly.keyIdOf(stored)).toBe(masterKeyFrom(NEW).id);
      expect(JSON.parse(newOnly.open(stored))).toEqual({ apiKey: secretOf(i) });
    });

    const [sealedEndpoint]: { secret_sealed: string }[] = await dataSource.query(
      `SELECT secret_sealed FROM webhook_endpoints WHERE id = '${endpoint.id}'`,
    );
    expect(newOnly.keyIdOf(sealedEndpoint.secret_sealed)).toBe(masterKeyFrom(NEW).id);
    expect(newOnly.open(sealedEndpoint.secret_sealed)).toBe(endpointSecret);

    expect((await pay()).status).toBe(201);
    const [entry] = (await api.app.get(AuditService).list({ action: 'master_key.rotated' })).items;
    expect(entry).toMatchObject({
      actorType: 'system',
      outcome: 'success',
      resourceId: masterKeyFrom(NEW).id,
    });
    expect(JSON.stringify(entry)).not.toContain(NEW);
    expect(JSON.stringify(entry)).not.toContain(OLD);

    const again = await rotateMasterKey(
      { transactions, audit: api.app.get(AuditService) },
      rotationKeyring(NEW, loaded),
      { context: { actor: { type: 'system', id: 'spec' } } },
    );
    expect(again).toMatchObject({ rewrapped: 0, failed: 0 });
  }, 120_000);
});

import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { computeAuditHash, GENESIS_HASH } from '@payrail/audit';
import { adminSession, type AdminRequest } from './admin-session';
import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';

let api: TestApi;
let auditor: AdminRequest;
let owner: AdminRequest;

beforeAll(async () => {
  api = await startTestApi({ memory: true });
  ({ request: owner } = await adminSession(api, [{ role: 'owner', merchantId: null }]));
  ({ request: auditor } = await adminSession(api, [{ role: 'auditor', merchantId: null }]));
  // A little history: three connections, one disabled, and a captured payment.
  for (const name of ['one', 'two', 'three']) {
    await owner('POST', '/admin/connections', {
      merchant_id: api.merchantId,
      gateway: 'memory',
      mode: 'test',
      name,
      values: { apiKey: 'mem_test_auditSpecKey00001' },
    });
  }
  const [first] = (
    await owner('GET', `/admin/connections?merchant_id=${api.merchantId}&gateway=memory`)
  ).body.data.slice(1);
  await owner('POST', `/admin/connections/${first.id}/disable`);
  await api.request('POST', '/v1/payments', {
    amount: 1500,
    currency: 'usd',
    capture_method: 'automatic',
    payment_method: { token: 'tok_ok' },
  });
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

const sql = (api: TestApi, text: string) => api.app.get<DataSource>(getDataSourceToken()).query(text);

describeDb(`audit trail admin API ${dbLabel}`, () => {
  test('lists newest first with filters and cursor pagination', async () => {
    const all = await auditor('GET', '/admin/audit?limit=500');
    expect(all.status).toBe(200);
    const sequences = all.body.data.map((e: any) => e.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => b - a));

    const created = await auditor('GET', '/admin/audit?action=connection.created&limit=2');
    expect(created.body.data).toHaveLength(2);
    expect(created.body.has_more).toBe(true);
    const rest = await auditor(
      'GET',
      `/admin/audit?action=connection.created&limit=2&cursor=${created.body.next_cursor}`,
    );
    expect(rest.body.data.length).toBeGreaterThanOrEqual(1);
    expect(rest.body.data.every((e: any) => e.sequence < created.body.data[1].sequence)).toBe(true);

    const both = await auditor('GET', '/admin/audit?action=connection.disabled,payment.captured&order=asc');
    expect(both.body.data.map((e: any) => e.action)).toEqual(['connection.disabled', 'payment.captured']);
    const byKey = await auditor('GET', '/admin/audit?actor_type=api_key');
    expect(byKey.body.data.map((e: any) => e.action)).toEqual(['payment.captured']);
    const future = await auditor(
      'GET',
      `/admin/audit?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
    );
    expect(future.body.data).toEqual([]);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=abc', 'limit'],
    ['actor_type=robot', 'actor_type'],
    ['from=yesterday', 'from'],
    ['cursor=abc', 'cursor'],
    ['action=DROP%20TABLE', 'action'],
  ])('refuses %s with 400 naming the parameter', async (query, param) => {
    const res = await auditor('GET', `/admin/audit?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe(param);
  });

  test('is closed to a role without the policy, and to anyone without a session', async (api) => {
    const { request: support } = await adminSession(api, [{ role: 'support', merchantId: api.merchantId }]);
    expect((await support('GET', '/admin/audit')).status).toBe(403);
    expect((await fetch(`${api.url}/admin/audit`)).status).toBe(401);
    expect((await api.request('GET', '/admin/audit')).status).toBe(401);
  });

  test('exports JSON lines that verify offline, and CSV with a header row', async () => {
    const jsonl = await auditor('GET', '/admin/audit/export?format=jsonl');
    expect(jsonl.status).toBe(200);
    expect(jsonl.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    expect(jsonl.headers.get('content-disposition')).toMatch(
      /attachment; filename="payrail-audit-.*\.jsonl"/,
    );
    const lines = jsonl.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThanOrEqual(6);
    let prev = GENESIS_HASH;
    for (const line of lines) {
      expect(line.prevHash).toBe(prev);
      expect(computeAuditHash(prev, line)).toBe(line.hash);
      prev = line.hash;
    }

    const csv = await auditor('GET', '/admin/audit/export?format=csv&action=connection.created');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const rows = csv.text.trim().split('\r\n');
    expect(rows[0]).toBe(
      'sequence,id,occurredAt,actorType,actorId,action,outcome,originIp,userAgent,requestId,merchantId,resourceType,resourceId,reason,change,prevHash,hash',
    );
    expect(rows.length).toBe(1 + lines.filter((l) => l.action === 'connection.created').length);
    expect(csv.text).not.toContain('auditSpecKey');

    const bad = await auditor('GET', '/admin/audit/export?format=xml');
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('format');
  });

  test('verifies the chain, and names the first entry that was tampered with', async (api) => {
    const intact = await auditor('GET', '/admin/audit/verify');
    expect(intact.body).toMatchObject({ intact: true, count: expect.any(Number) });
    const target = (await auditor('GET', '/admin/audit?action=connection.disabled')).body.data[0];

    if (api.database.kind === 'postgres') {
      // The table refuses changes outright on PostgreSQL…
      await expect(
        sql(api, `UPDATE audit_entries SET outcome = 'failure' WHERE sequence = ${target.sequence}`),
      ).rejects.toThrow(/append-only/);
      await expect(sql(api, `DELETE FROM audit_entries WHERE sequence = ${target.sequence}`)).rejects.toThrow(
        /append-only/,
      );
      // …so tampering needs a superuser to switch the trigger off; the chain still tells.
      await sql(api, 'ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only');
      await sql(api, `UPDATE audit_entries SET outcome = 'failure' WHERE sequence = ${target.sequence}`);
      await sql(api, 'ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only');
    } else {
      await sql(api, `UPDATE audit_entries SET outcome = 'failure' WHERE sequence = ${target.sequence}`);
    }
    const broken = await auditor('GET', '/admin/audit/verify');
    expect(broken.body).toMatchObject({
      intact: false,
      first_broken_sequence: target.sequence,
      reason: expect.stringMatching(/altered/),
    });
  });
});

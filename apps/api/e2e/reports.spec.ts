import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AuditService } from '@payrail/audit';
import { ApiKeyService } from '@payrail/identity';
import { ReportExportsService } from '@payrail/reconciliation';
import { adminSession, type AdminRequest } from './admin-session';
import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';

/* The summary report and the transactions export, over payments made through the API. */

let api: TestApi;
let finance: AdminRequest;
let support: AdminRequest;
const ids: Record<string, string> = {};

async function pay(name: string, body: Record<string, unknown>): Promise<void> {
  const created = await api.request('POST', '/v1/payments', {
    currency: 'usd',
    capture_method: 'automatic',
    payment_method: { token: 'tok_ok' },
    ...body,
  });
  ids[name] = created.body.id ?? created.body.error?.payment_id;
}

beforeAll(async () => {
  api = await startTestApi({ memory: true, env: { PAYRAIL_RECONCILIATION_INTERVAL_MS: '0' } });
  finance = (await adminSession(api, [{ role: 'finance', merchantId: api.merchantId }])).request;
  support = (await adminSession(api, [{ role: 'support', merchantId: api.merchantId }])).request;
  await pay('captured', {
    amount: 1000,
    description: '=HYPERLINK("http://evil.example","click")',
    metadata: { order: '+1-555' },
  });
  await pay('authorized', {
    amount: 2000,
    capture_method: 'manual',
    description: 'Held, "quoted", with, commas',
  });
  await pay('euro', { amount: 1500, currency: 'eur' });
  await api.request('POST', `/v1/payments/${ids['euro']}/refunds`, { amount: 500 });
  await pay('declined', { amount: 1200, payment_method: { token: 'tok_declined' } });
  await pay('error', { amount: 900, payment_method: { token: 'tok_processing_error' } });
}, 60_000);

afterAll(async () => {
  await api?.close();
});

const now = Date.now();
const window = `from=${new Date(now - 3600_000).toISOString()}&to=${new Date(now + 86_400_000).toISOString()}`;

describeDb(`reports and exports ${dbLabel}`, () => {
  it('sums per currency, never across, with counts, declines, failures and the success rate', async () => {
    const summary = await finance('GET', `/admin/reports/summary?${window}&group_by=currency`);
    expect(summary.status).toBe(200);
    expect(summary.body.data).toEqual([
      expect.objectContaining({
        group: 'eur',
        currency: 'eur',
        payment_count: 1,
        captured_amount: 1500,
        refunded_count: 1,
        refunded_amount: 500,
      }),
      expect.objectContaining({
        group: 'usd',
        currency: 'usd',
        payment_count: 4,
        authorized_count: 2,
        authorized_amount: 3000,
        captured_count: 1,
        captured_amount: 1000,
        declined_count: 1,
        failed_count: 1,
        success_rate: 0.5,
      }),
    ]);
    expect(summary.body.data[0].fee_amount).toBeUndefined();
    const byDay = await finance('GET', `/admin/reports/summary?${window}&group_by=day&gateway=memory`);
    // The days the payments were made on, read back: a run that crosses midnight (UTC) makes two.
    const made = await Promise.all(
      Object.values(ids).map(async (id) => (await api.request('GET', `/v1/payments/${id}`)).body),
    );
    const dayOf = (p: { created_at: string }) => p.created_at.slice(0, 10);
    const groups = [...new Set(made.map((p) => `${dayOf(p)} ${p.currency}`))].sort();
    expect(byDay.body.data.map((r: any) => `${r.group} ${r.currency}`)).toEqual(groups);
    const byWeek = await finance('GET', `/admin/reports/summary?${window}&group_by=week&currency=USD`);
    const mondayOf = (day: string) => {
      const date = new Date(`${day}T00:00:00Z`);
      date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
      return date.toISOString().slice(0, 10);
    };
    const weeks = new Set(made.filter((p) => p.currency === 'usd').map((p) => mondayOf(dayOf(p))));
    expect(byWeek.body.data.map((r: any) => r.group)).toEqual([...weeks].sort());
    expect(new Date(`${byWeek.body.data[0].group}T00:00:00Z`).getUTCDay()).toBe(1);
    const live = await finance('GET', `/admin/reports/summary?${window}&mode=live`);
    expect(live.body.data).toEqual([]);
  });

  it('refuses bad filters by name, and support sees no report', async () => {
    expect((await finance('GET', '/admin/reports/summary?group_by=year')).body.error.param).toBe('group_by');
    expect((await finance('GET', '/admin/reports/summary?from=yesterday')).body.error.param).toBe('from');
    const backwards = await finance(
      'GET',
      `/admin/reports/summary?from=${new Date(now).toISOString()}&to=${new Date(now - 1000).toISOString()}`,
    );
    expect(backwards.status).toBe(400);
    expect((await support('GET', '/admin/reports/summary')).status).toBe(403);
    expect((await support('GET', '/admin/reports/transactions?format=csv')).status).toBe(403);
  });

  it("gives a merchant key with reports:read its own summary, in its key's mode", async () => {
    const key = await api.app
      .get(ApiKeyService)
      .create({ merchantId: api.merchantId, mode: 'test', scopes: ['reports:read'] });
    const response = await fetch(`${api.url}/v1/reports/summary?${window}&group_by=gateway`, {
      headers: { authorization: `Bearer ${key.secret}` },
    });
    const body = (await response.json()) as any;
    expect(response.status).toBe(200);
    expect(body.data.map((r: any) => `${r.group} ${r.currency} ${r.payment_count}`)).toEqual([
      'memory eur 1',
      'memory usd 4',
    ]);
    const without = await api.request('GET', `/v1/reports/summary`, undefined, {
      authorization: `Bearer ${(await api.app.get(ApiKeyService).create({ merchantId: api.merchantId, mode: 'test', scopes: ['payments:read'] })).secret}`,
    });
    expect(without.status).toBe(403);
    expect(without.body.error.code).toBe('insufficient_scope');
  });

  it('streams one CSV row per money movement, with formulas neutralised, and audits the export', async () => {
    const csv = await finance('GET', `/admin/reports/transactions?format=csv&${window}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'movement_id,type,payment_id,merchant_id,gateway,mode,gateway_reference,payment_reference,amount,currency,status,description,metadata,fee,reconciliation_status,created_at',
    );
    // captured (capture), authorized (payment), euro (capture + refund), declined and error (payment each)
    expect(lines).toHaveLength(1 + 6);
    const captured = lines.find((l) => l.includes(ids['captured']) && l.includes(',capture,'))!;
    expect(captured).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(captured).toContain('"{""order"":""+1-555""}"');
    expect(lines.find((l) => l.includes(',refund,'))).toMatch(/,refund,.*,500,eur,succeeded,/);
    expect(lines.find((l) => l.includes(ids['authorized']))).toContain('"Held, ""quoted"", with, commas"');
    const audit = await (
      await adminSession(api, [{ role: 'auditor', merchantId: null }])
    ).request('GET', '/admin/audit?action=report.exported');
    expect(audit.body.data.length).toBeGreaterThan(0);
  });

  it('streams JSON lines with the same rows', async () => {
    const jsonl = await finance('GET', `/admin/reports/transactions?format=jsonl&${window}&currency=eur`);
    const rows = jsonl.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => `${r.type} ${r.amount} ${r.currency}`)).toEqual([
      'capture 1500 eur',
      'refund 500 eur',
    ]);
    expect(rows[0]).toMatchObject({
      payment_id: ids['euro'],
      gateway: 'memory',
      reconciliation_status: null,
    });
  });

  it('runs a large export as a job with progress, downloaded only by who asked', async () => {
    const created = await finance('POST', '/admin/reports/exports', {
      format: 'csv',
      from: new Date(now - 3600_000).toISOString(),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'queued', download_url: null });
    let done = await finance('GET', `/admin/reports/exports/${created.body.id}`);
    for (let tries = 0; done.body.status !== 'completed' && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      done = await finance('GET', `/admin/reports/exports/${created.body.id}`);
    }
    expect(done.body).toMatchObject({ status: 'completed', progress: 100, rows: 6, total_rows: 6 });
    const file = await finance('GET', done.body.download_url);
    expect(file.status).toBe(200);
    expect(file.text.split('\r\n')[0]).toMatch(/^movement_id,type,/);
    const other = (await adminSession(api, [{ role: 'finance', merchantId: api.merchantId }])).request;
    expect((await other('GET', `/admin/reports/exports/${created.body.id}`)).status).toBe(404);
  });

  it('keeps an export file for its retention, then purges it: the download is a 410 that says why, both audited', async () => {
    const created = await finance('POST', '/admin/reports/exports', { format: 'jsonl' });
    let job = await finance('GET', `/admin/reports/exports/${created.body.id}`);
    for (let tries = 0; job.body.status !== 'completed' && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = await finance('GET', `/admin/reports/exports/${created.body.id}`);
    }
    expect(job.body.status).toBe('completed');
    const finished = Date.parse(job.body.finished_at);
    // The default retention: a day after the file was written.
    expect(Date.parse(job.body.expires_at) - finished).toBe(24 * 3600_000);
    const file = join(api.config.exportDir, `${created.body.id}.jsonl`);
    expect(existsSync(file)).toBe(true);

    const purge = api.app.get(ReportExportsService);
    expect(await purge.purgeExpired(new Date(finished + 23 * 3600_000))).not.toContain(created.body.id);
    expect((await finance('GET', job.body.download_url)).status).toBe(200);

    expect(await purge.purgeExpired(new Date(finished + 24 * 3600_000 + 1))).toContain(created.body.id);
    expect(existsSync(file)).toBe(false);
    // A second pass finds nothing more to do.
    expect(await purge.purgeExpired(new Date(finished + 48 * 3600_000))).not.toContain(created.body.id);
    const expired = await finance('GET', `/admin/reports/exports/${created.body.id}`);
    expect(expired.body).toMatchObject({
      status: 'expired',
      download_url: null,
      expires_at: job.body.expires_at,
    });

    const refused = await finance('GET', `/admin/reports/exports/${created.body.id}/download`);
    expect(refused.status).toBe(410);
    expect(refused.body.error).toMatchObject({ code: 'export_expired' });
    expect(refused.body.error.message).toContain(job.body.expires_at);
    expect(refused.body.error.message).toContain('PAYRAIL_EXPORT_RETENTION_HOURS');

    const audit = api.app.get(AuditService);
    const trail = async (action: string) =>
      (await audit.list({ action, resourceType: 'report_export', resourceId: created.body.id })).items;
    expect(await trail('report.export_expired')).toEqual([expect.objectContaining({ actorType: 'system' })]);
    expect(await trail('report.export_download_refused')).toHaveLength(1);
  });
});

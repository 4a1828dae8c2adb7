import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newId } from '@payrail/database';
import { InboxEvent } from '@payrail/webhooks';
import { adminSession, type AdminRequest } from './admin-session';
import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';

const DAY_MS = 24 * 3600_000;

describeDb(`retention of webhook inbox bodies ${dbLabel}`, () => {
  let api: TestApi;
  let owner: AdminRequest;
  let auditor: AdminRequest;
  let dataSource: DataSource;
  const old: string[] = [];
  const kept: string[] = [];

  async function inboxEvent(ageDays: number, state: InboxEvent['state'] = 'applied'): Promise<string> {
    const id = newId('whin');
    const receivedAt = new Date(Date.now() - ageDays * DAY_MS);
    await dataSource.getRepository(InboxEvent).insert({
      id,
      connectionId: 'conn_retention',
      merchantId: api.merchantId,
      gateway: 'memory',
      gatewayEventId: `evt_${id}`,
      gatewayEventType: 'charge.succeeded',
      eventType: 'payment.captured',
      paymentReference: null,
      event: { id: `evt_${id}` },
      rawBody: `{"id":"evt_${id}"}`,
      headers: {},
      receivedAt,
      state,
      replays: 0,
    });
    return id;
  }

  const inboxClass = (body: { classes: Array<{ name: string; rows: number; days: number }> }) =>
    body.classes.find((c) => c.name === 'webhook-inbox')!;

  beforeAll(async () => {
    api = await startTestApi({ env: { PAYRAIL_RETENTION_WEBHOOK_INBOX_DAYS: '90', PAYRAIL_JOBS: 'off' } });
    dataSource = api.app.get<DataSource>(getDataSourceToken());
    owner = (await adminSession(api, [{ role: 'owner', merchantId: null }])).request;
    auditor = (await adminSession(api, [{ role: 'auditor', merchantId: null }])).request;
    for (let i = 0; i < 3; i++) old.push(await inboxEvent(100));
    kept.push(await inboxEvent(10), await inboxEvent(89));
    // Never applied: still work to do, so kept whatever its age.
    kept.push(await inboxEvent(100, 'received'));
  }, 60_000);

  afterAll(async () => {
    await api?.close();
  });

  it('the dry run counts the 100-day-old bodies under a 90-day retention, and removes nothing', async () => {
    const dry = await owner('POST', '/admin/privacy/retention/purge', { dry_run: true });
    expect(dry.status).toBe(200);
    expect(inboxClass(dry.body)).toMatchObject({ days: 90, rows: 3 });
    const settings = await auditor('GET', '/admin/privacy/retention');
    expect(settings.status).toBe(200);
    expect(inboxClass(settings.body).rows).toBe(3);
    expect(await dataSource.getRepository(InboxEvent).count()).toBe(6);
  });

  it('auditors read the settings but cannot purge', async () => {
    expect((await auditor('POST', '/admin/privacy/retention/purge', {})).status).toBe(403);
  });

  it('the purge deletes exactly those, with an audit entry and a metric; a rerun deletes nothing', async () => {
    const purge = await owner('POST', '/admin/privacy/retention/purge', {});
    expect(purge.status).toBe(200);
    expect(inboxClass(purge.body).rows).toBe(3);
    const left = (await dataSource.getRepository(InboxEvent).find()).map((e) => e.id).sort();
    expect(left).toEqual([...kept].sort());

    const rerun = await owner('POST', '/admin/privacy/retention/purge', {});
    expect(inboxClass(rerun.body).rows).toBe(0);
    expect((await dataSource.getRepository(InboxEvent).find()).map((e) => e.id).sort()).toEqual(
      [...kept].sort(),
    );

    const audit = await owner('GET', '/admin/audit?action=retention.purged');
    expect(audit.status).toBe(200);
    expect(audit.body.data).toHaveLength(2);
    const counts = audit.body.data.map(
      (e: { change: { after: Record<string, { rows: number }> } }) => e.change.after['webhook-inbox'].rows,
    );
    expect(counts.sort()).toEqual([0, 3]);
    const metrics = await fetch(`${api.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/payrail_retention_purged_rows_total\{class="webhook-inbox"\} [1-9]/);
  });

  it('refuses a period shorter than the class allows, naming the variable', async () => {
    const { loadConfig } = await import('../src/app/config');
    expect(() => loadConfig({ PAYRAIL_RETENTION_WEBHOOK_INBOX_DAYS: '1' })).toThrow(
      /PAYRAIL_RETENTION_WEBHOOK_INBOX_DAYS is '1': expected an integer from 7/,
    );
    expect(() => loadConfig({ PAYRAIL_RETENTION_WEBHOOKS_DAYS: '30' })).toThrow(
      /PAYRAIL_RETENTION_WEBHOOKS_DAYS/,
    );
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newId } from '@payrail/database';
import { InboxEvent } from '@payrail/webhooks';
import { adminSession, type AdminRequest } from './admin-session';
import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';

const ADA = { email: 'ada.lovelace@example.org', name: 'Ada Lovelace' };
const BOB = { email: 'bob.builder@example.org', name: 'Bob Builder' };
const CAROL = { email: 'carol.access@example.org', name: 'Carol Access' };

const payment = (customer: { email: string; name: string }, extra: Record<string, unknown> = {}) => ({
  amount: 1500,
  currency: 'usd',
  payment_method: { token: 'tok_ok' },
  customer,
  description: `Order for ${customer.name}`,
  metadata: { contact: customer.email },
  ...extra,
});

describeDb(`data subject requests ${dbLabel}`, () => {
  let api: TestApi;
  let owner: AdminRequest;
  let auditor: AdminRequest;
  let dataSource: DataSource;

  async function until(id: string, status: string): Promise<any> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const got = await owner('GET', `/admin/privacy/requests/${id}`);
      if (got.body.status === status) return got.body;
      if (Date.now() > deadline) {
        const jobs = await dataSource.query(
          `SELECT state, last_error FROM jobs WHERE queue = 'privacy.request'`,
        );
        throw new Error(`request ${id} is ${got.body.status}, not ${status}: ${JSON.stringify(jobs)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function inboxMention(customer: { email: string; name: string }, reference: string): Promise<string> {
    const id = newId('whin');
    const body = JSON.stringify({
      id: `evt_${id}`,
      data: {
        object: { id: reference, receipt_email: customer.email, billing_details: { name: customer.name } },
      },
    });
    await dataSource.getRepository(InboxEvent).insert({
      id,
      connectionId: api.memoryConnectionId as string,
      merchantId: api.merchantId,
      gateway: 'memory',
      gatewayEventId: `evt_${id}`,
      gatewayEventType: 'charge.succeeded',
      eventType: 'payment.captured',
      paymentReference: reference,
      event: JSON.parse(body),
      rawBody: body,
      headers: { 'x-customer': customer.email },
      receivedAt: new Date(),
      state: 'applied',
      replays: 0,
    });
    return id;
  }

  const totals = async () =>
    dataSource.query(
      `SELECT currency, SUM(amount) AS amount, SUM(amount_captured) AS captured, SUM(amount_refunded) AS refunded
       FROM payments GROUP BY currency ORDER BY currency`,
    );

  beforeAll(async () => {
    api = await startTestApi({ memory: true, env: { PAYRAIL_JOB_POLL_MS: '20' } });
    dataSource = api.app.get<DataSource>(getDataSourceToken());
    owner = (await adminSession(api, [{ role: 'owner', merchantId: null }])).request;
    auditor = (await adminSession(api, [{ role: 'auditor', merchantId: null }])).request;
  }, 60_000);

  afterAll(async () => {
    await api?.close();
  });

  it('gives GDPR a month and CCPA 45 days, and refuses bad input with 400 naming it', async () => {
    const gdpr = await owner('POST', '/admin/privacy/requests', {
      type: 'access',
      regime: 'gdpr',
      subject: { email: 'nobody@example.org' },
      merchant_id: api.merchantId,
    });
    expect(gdpr.status).toBe(201);
    const days = (iso: string) => (Date.parse(iso) - Date.parse(gdpr.body.created_at)) / 86_400_000;
    expect(days(gdpr.body.due_at)).toBeGreaterThanOrEqual(28);
    expect(days(gdpr.body.due_at)).toBeLessThan(31.01);
    const ccpa = await owner('POST', '/admin/privacy/requests', {
      type: 'access',
      regime: 'ccpa',
      subject: { email: 'nobody@example.org' },
      merchant_id: api.merchantId,
    });
    expect(Math.round((Date.parse(ccpa.body.due_at) - Date.parse(ccpa.body.created_at)) / 86_400_000)).toBe(
      45,
    );
    const bad = await owner('POST', '/admin/privacy/requests', {
      type: 'forget',
      regime: 'gdpr',
      subject: {},
      merchant_id: api.merchantId,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/type must be access or erasure/);
    const noSubject = await owner('POST', '/admin/privacy/requests', {
      type: 'access',
      regime: 'gdpr',
      subject: {},
      merchant_id: api.merchantId,
    });
    expect(noSubject.status).toBe(400);
    const unknownCustomer = await owner('POST', '/admin/privacy/requests', {
      type: 'access',
      regime: 'gdpr',
      subject: { customer: 'cus_nobody' },
      merchant_id: api.merchantId,
    });
    expect(unknownCustomer.status).toBe(404);
    const customer = await api.request('POST', '/v1/customers', {
      email: 'dora.ref@example.org',
      name: 'Dora Ref',
    });
    const byReference = await owner('POST', '/admin/privacy/requests', {
      type: 'access',
      regime: 'gdpr',
      subject: { customer: customer.body.id },
      merchant_id: api.merchantId,
    });
    expect(byReference.status).toBe(201);
    const exported = await until(byReference.body.id, 'completed');
    expect(exported.subject_kind).toBe('customer');
    const file = await owner('GET', `/admin/privacy/requests/${byReference.body.id}/export`);
    expect(file.body.records.customers.map((c: { id: string }) => c.id)).toEqual([customer.body.id]);
    expect(
      (
        await auditor('POST', '/admin/privacy/requests', {
          type: 'access',
          regime: 'gdpr',
          subject: { email: 'x@example.org' },
          merchant_id: api.merchantId,
        })
      ).status,
    ).toBe(403);
  });

  it('exports everything that mentions the subject, webhook events included', async () => {
    const paid = await api.request('POST', '/v1/payments', payment(CAROL));
    expect(paid.status).toBe(201);
    const inboxId = await inboxMention(CAROL, paid.body.gateway_reference ?? `ref_${paid.body.id}`);
    const created = await owner('POST', '/admin/privacy/requests', {
      type: 'access',
      regime: 'ccpa',
      subject: { email: CAROL.email.toUpperCase() },
      merchant_id: api.merchantId,
    });
    expect(created.status).toBe(201);
    const done = await until(created.body.id, 'completed');
    expect(done.export_available).toBe(true);
    expect(auditor('GET', `/admin/privacy/requests/${created.body.id}/export`)).resolves.toMatchObject({
      status: 403,
    });
    const download = await owner('GET', `/admin/privacy/requests/${created.body.id}/export`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain('attachment');
    const records = download.body.records;
    expect(records.payments.map((p: { id: string }) => p.id)).toEqual([paid.body.id]);
    expect(records.webhook_inbox.map((e: { id: string }) => e.id)).toEqual([inboxId]);
    expect(records.webhook_outbox.length).toBeGreaterThan(0);
    expect(records.payment_events.length).toBeGreaterThan(0);
    expect(records.audit_entries.length).toBeGreaterThan(0);
    // The request keeps the subject only as a hash once it is done.
    const [row] = await dataSource.query(
      'SELECT subject_sealed FROM privacy_requests WHERE id = $1'.replace(
        '$1',
        dataSource.options.type === 'postgres' ? '$1' : '?',
      ),
      [created.body.id],
    );
    expect(row.subject_sealed).toBeNull();
    expect(JSON.stringify(done)).not.toContain(CAROL.email);
  });

  describe('erasing a customer with three payments, a refund, webhook events and a case', () => {
    const adaPayments: string[] = [];
    let bobPayment: string;
    let adaCustomer: string;
    let adaCase: string;
    let before: unknown;

    beforeAll(async () => {
      for (let i = 0; i < 3; i++) {
        const made = await api.request('POST', '/v1/payments', payment(ADA, { amount: 1000 + i }));
        expect(made.status).toBe(201);
        adaPayments.push(made.body.id);
      }
      expect(
        (await api.request('POST', `/v1/payments/${adaPayments[0]}/refunds`, { amount: 400 })).status,
      ).toBe(201);
      for (const id of adaPayments) {
        const p = (await api.request('GET', `/v1/payments/${id}`)).body;
        await inboxMention(ADA, p.gateway_reference ?? `ref_${id}`);
      }
      bobPayment = (await api.request('POST', '/v1/payments', payment(BOB))).body.id;
      const customer = await api.request('POST', '/v1/customers', {
        email: ADA.email,
        name: ADA.name,
        phone: '+44 20 7946 0000',
      });
      expect(customer.status).toBe(201);
      adaCustomer = customer.body.id;
      const opened = await owner('POST', '/admin/cases', {
        subject: `Refund question from ${ADA.name}`,
        description: `${ADA.name} (${ADA.email}) asks where her refund is.`,
        priority: 'P3',
        payment_ids: [adaPayments[0]],
        merchant_id: api.merchantId,
      });
      expect(opened.status).toBe(201);
      adaCase = opened.body.id;
      const comment = await owner('POST', `/admin/cases/${adaCase}/comments`, {
        body: `Wrote back to ${ADA.email}; ${ADA.name} confirmed the card.`,
      });
      expect(comment.status).toBe(201);
    });

    it('refuses with 409 naming the legal hold, and goes through once it is released', async () => {
      const hold = await owner('POST', '/admin/privacy/holds', {
        subject: { email: ADA.email },
        merchant_id: api.merchantId,
        reason: 'litigation case 2026-118',
      });
      expect(hold.status).toBe(201);
      const blocked = await owner('POST', '/admin/privacy/requests', {
        type: 'erasure',
        regime: 'gdpr',
        subject: { email: ADA.email },
        merchant_id: api.merchantId,
      });
      expect(blocked.status).toBe(409);
      expect(blocked.body.error.code).toBe('erasure_blocked');
      expect(blocked.body.error.message).toContain(`legal hold ${hold.body.id} (litigation case 2026-118)`);
      const requestId = /erasure request (prq_\w+)/.exec(blocked.body.error.message)?.[1] as string;
      expect((await owner('GET', `/admin/privacy/requests/${requestId}`)).body).toMatchObject({
        status: 'blocked',
      });
      expect((await owner('POST', `/admin/privacy/requests/${requestId}/retry`)).status).toBe(409);

      // An unfinished payment blocks as well, named.
      const authorized = await api.request(
        'POST',
        '/v1/payments',
        payment(ADA, { capture_method: 'manual' }),
      );
      expect((await owner('POST', `/admin/privacy/holds/${hold.body.id}/release`)).status).toBe(200);
      const stillBlocked = await owner('POST', `/admin/privacy/requests/${requestId}/retry`);
      expect(stillBlocked.status).toBe(409);
      expect(stillBlocked.body.error.message).toContain(
        `unfinished payment ${authorized.body.id} (authorized)`,
      );
      expect((await api.request('POST', `/v1/payments/${authorized.body.id}/void`)).body.status).toBe(
        'voided',
      );
      adaPayments.push(authorized.body.id);

      const audit = await owner('GET', '/admin/audit/verify');
      expect(audit.body.intact).toBe(true);
      before = await totals();
      const retried = await owner('POST', `/admin/privacy/requests/${requestId}/retry`);
      expect(retried.status).toBe(202);
      const done = await until(requestId, 'completed');
      expect(done.certificate_available).toBe(true);

      const certificate = (await auditor('GET', `/admin/privacy/requests/${requestId}/certificate`)).body;
      expect(certificate.scan.clean).toBe(true);
      expect(certificate.scan.table_hits).toEqual([]);
      expect(certificate.erased).toEqual(
        expect.arrayContaining([{ table: 'payments', column: 'customer_email', rows: 4 }]),
      );

      // The spec's own scan: the database files and every line the API logged.
      if (dataSource.options.type !== 'postgres') {
        await dataSource.query('PRAGMA wal_checkpoint(TRUNCATE)');
        const file = join(api.database.dataDir, 'payrail.sqlite');
        for (const f of [file, `${file}-wal`]) {
          let bytes = '';
          try {
            bytes = readFileSync(f).toString('latin1').toLowerCase();
          } catch {
            continue;
          }
          expect([f, bytes.includes(ADA.email), bytes.includes(ADA.name.toLowerCase())]).toEqual([
            f,
            false,
            false,
          ]);
        }
      }
      const logs = api.logs.join('').toLowerCase();
      expect(logs.includes(ADA.email)).toBe(false);
      expect(logs.includes(ADA.name.toLowerCase())).toBe(false);

      // Amounts, references and masked cards stay; the payments stay joinable under one pseudonym.
      expect(await totals()).toEqual(before);
      const rows: Array<{
        customer_email: string;
        customer_name: string | null;
        gateway_reference: string | null;
      }> = await dataSource
        .createQueryBuilder()
        .select([
          'p.customer_email AS customer_email',
          'p.customer_name AS customer_name',
          'p.gateway_reference AS gateway_reference',
        ])
        .from('payments', 'p')
        .where('p.id IN (:...ids)', { ids: adaPayments })
        .getRawMany();
      expect(new Set(rows.map((r) => r.customer_email)).size).toBe(1);
      expect(rows[0].customer_email).toMatch(/^pseud_[0-9a-f]{32}$/);
      expect(rows.every((r) => r.customer_name === null)).toBe(true);
      expect((await api.request('GET', `/v1/customers/${adaCustomer}`)).status).toBe(404);
      // The case stays, with its payment, but no longer names her.
      const kept = await owner('GET', `/admin/cases/${adaCase}`);
      expect(kept.status).toBe(200);
      expect(kept.body.payment_ids).toEqual([adaPayments[0]]);
      const caseText = JSON.stringify(kept.body).toLowerCase();
      expect([caseText.includes(ADA.email), caseText.includes(ADA.name.toLowerCase())]).toEqual([
        false,
        false,
      ]);
      const bob = (await api.request('GET', `/v1/payments/${bobPayment}`)).body;
      expect(bob.customer).toMatchObject({ email: BOB.email, name: BOB.name });

      // The chain verifies, and each step is one entry.
      expect((await owner('GET', '/admin/audit/verify')).body.intact).toBe(true);
      const steps = (
        await owner('GET', `/admin/audit?resource_type=privacy_request&resource_id=${requestId}&order=asc`)
      ).body.data.map((e: { action: string }) => e.action);
      expect(steps).toEqual([
        'privacy.request_received',
        'privacy.request_blocked',
        'privacy.request_blocked',
        'privacy.request_blocked',
        'privacy.request_processing',
        'privacy.records_erased',
        'privacy.request_completed',
      ]);
      const [row] = await dataSource
        .createQueryBuilder()
        .select(['r.subject_sealed AS subject_sealed', 'r.pseudonym_key_sealed AS key'])
        .from('privacy_requests', 'r')
        .where('r.id = :id', { id: requestId })
        .getRawMany();
      expect(row).toEqual({ subject_sealed: null, key: null });
    }, 60_000);
  });
});

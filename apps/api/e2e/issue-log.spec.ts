import { MerchantService } from '@payrail/identity';
import { JobQueue } from '@payrail/jobs';
import { adminSession, type AdminRequest } from './admin-session';
import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';

let api: TestApi;
let support: AdminRequest;

beforeAll(async () => {
  api = await startTestApi({ memory: true });
  support = (await adminSession(api, [{ role: 'support', merchantId: null }])).request;
}, 60_000);

afterAll(async () => {
  await api?.close();
});

const decline = (token = 'tok_declined') =>
  api.request('POST', '/v1/payments', { amount: 1000, currency: 'usd', payment_method: { token } });

describeDb(`issue log ${dbLabel}`, () => {
  it('groups 50 declines of one code on one gateway into one issue counted 50, linked to its article', async () => {
    for (let i = 0; i < 50; i++) expect((await decline()).status).toBe(402);
    expect((await decline('tok_insufficient_funds')).status).toBe(402);

    const list = await support('GET', '/admin/issues?gateway=memory&code=card_declined');
    expect(list.status).toBe(200);
    expect(list.body.object).toBe('list');
    expect(list.body.data).toHaveLength(1);
    const issue = list.body.data[0];
    expect(issue).toMatchObject({
      kind: 'payment_failure',
      operation: 'authorize',
      gateway: 'memory',
      code: 'card_declined',
      status: 'open',
      count: 50,
      affected_payments: 50,
      affected_merchants: 1,
      regression: false,
    });
    expect(issue.trend).toHaveLength(14);
    expect(issue.trend[13].count).toBe(50);
    expect(issue.article.slug).toBe('card-declined');

    const all = await support('GET', '/admin/issues');
    expect(all.body.data.map((i: { code: string }) => i.code).sort()).toEqual([
      'card_declined',
      'insufficient_funds',
    ]);

    const detail = await support('GET', `/admin/issues/${issue.id}?payments_limit=20`);
    expect(detail.status).toBe(200);
    expect(detail.body.trend).toHaveLength(30);
    expect(detail.body.payments.data).toHaveLength(20);
    expect(detail.body.payments.has_more).toBe(true);
    const next = await support(
      'GET',
      `/admin/issues/${issue.id}?payments_limit=40&payments_starting_after=${detail.body.payments.data[19].payment_id}`,
    );
    expect(next.body.payments.data).toHaveLength(30);
    expect(next.body.payments.has_more).toBe(false);
  }, 60_000);

  it('reopens a resolved issue as a regression when it recurs; an ignored one stays ignored', async () => {
    const [issue] = (await support('GET', '/admin/issues?code=card_declined')).body.data;
    const resolved = await support('PATCH', `/admin/issues/${issue.id}`, { status: 'resolved' });
    expect(resolved.status).toBe(200);
    expect(resolved.body.status).toBe('resolved');
    expect((await support('GET', '/admin/issues?status=resolved')).body.data).toHaveLength(1);

    await decline();
    const reopened = (await support('GET', `/admin/issues/${issue.id}`)).body;
    expect(reopened).toMatchObject({ status: 'open', regression: true, count: 51, resolved_at: null });

    const [funds] = (await support('GET', '/admin/issues?code=insufficient_funds')).body.data;
    await support('PATCH', `/admin/issues/${funds.id}`, { status: 'ignored' });
    await decline('tok_insufficient_funds');
    expect((await support('GET', `/admin/issues/${funds.id}`)).body).toMatchObject({
      status: 'ignored',
      count: 2,
    });
    expect((await support('PATCH', `/admin/issues/${funds.id}`, { status: 'closed' })).status).toBe(400);
    expect((await support('GET', '/admin/issues?from=yesterday')).status).toBe(400);
  });

  it('counts system errors as they are reported: refused webhook signatures, calls left in doubt, dead jobs', async () => {
    for (let i = 0; i < 2; i++) {
      const forged = await fetch(`${api.url}/webhooks/${api.memoryConnectionId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'memory-signature': 't=1,v1=00' },
        body: JSON.stringify({ id: `evt_forged_${i}`, type: 'payment.captured' }),
      });
      expect(forged.status).toBe(400);
    }
    const jobs = api.app.get(JobQueue);
    jobs.define(
      'spec.always_fails',
      async () => {
        throw new Error('the spec job fails on purpose');
      },
      { maxAttempts: 1 },
    );
    await jobs.enqueue('spec.always_fails', {});
    await jobs.drain({ timeoutMs: 5_000 });
    // System errors are counted outside the request that met them, one statement after another
    // (the issue, then its day and payment): poll until the issue shows what the case waits for.
    const find = async (code: string, ready: (issue: any) => boolean = () => true) => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const [issue] = (await support('GET', `/admin/issues?code=${code}`)).body.data;
        if ((issue && ready(issue)) || Date.now() > deadline) return issue;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const signature = await find('webhook_signature_invalid', (issue) => issue.count >= 2);
    expect(signature).toMatchObject({ kind: 'system_error', source: `connection:${api.memoryConnectionId}` });
    expect(signature.count).toBe(2);
    expect(signature.article.slug).toBe('webhook-signature-invalid');
    const timedOut = await api.request('POST', '/v1/payments', {
      amount: 700,
      currency: 'usd',
      payment_method: { token: 'tok_timeout' },
    });
    expect(timedOut.body.status).toBe('unknown');
    const doubt = await find('gateway_timeout', (issue) => issue.affected_payments > 0);
    expect(doubt).toMatchObject({ kind: 'system_error', source: 'gateway:memory', affected_payments: 1 });
    expect(doubt.article.slug).toBe('gateway-timeout');
    const dead = await find('job_dead');
    expect(dead).toMatchObject({ source: 'queue:spec.always_fails', count: 1 });
    expect(dead.last_detail).toContain('fails on purpose');
  });

  it("shows a merchant's admin only the issues of their merchants", async () => {
    const other = await api.app.get(MerchantService).create('Other shop', 'usr_spec');
    const scoped = (await adminSession(api, [{ role: 'support', merchantId: other.id }])).request;
    expect((await scoped('GET', '/admin/issues')).body.data).toEqual([]);
    const [issue] = (await support('GET', '/admin/issues?code=card_declined')).body.data;
    expect((await scoped('GET', `/admin/issues/${issue.id}`)).status).toBe(404);
  });
});

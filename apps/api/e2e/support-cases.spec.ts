import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuditService } from '@payrail/audit';
import { startSmtpCapture, type SmtpCapture } from '@payrail/notifications/testing';
import { CaseSlaService, SupportClock } from '@payrail/support';
import { SIGNATURE_HEADER, verifySignature } from '@payrail/webhooks';
import { adminSession, type AdminRequest } from './admin-session';
import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';

const SECRET = 'whsec_test_support_escalations';
let api: TestApi;
let smtp: SmtpCapture;
let receiver: Server;
const hooks: Array<{ body: string; signature: string }> = [];
let support: AdminRequest;
let admin: AdminRequest;
let finance: AdminRequest;
let now = new Date('2026-12-01T10:00:00Z');

beforeAll(async () => {
  smtp = await startSmtpCapture();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      hooks.push({ body, signature: String(req.headers[SIGNATURE_HEADER.toLowerCase()] ?? '') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  api = await startTestApi({
    memory: true,
    env: {
      PAYRAIL_PUBLIC_URL: 'https://payments.example.com',
      PAYRAIL_WEBHOOK_ALLOW_HTTP_LOOPBACK: 'on',
      PAYRAIL_SUPPORT_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/escalations`,
      PAYRAIL_SUPPORT_WEBHOOK_SECRET: SECRET,
      PAYRAIL_SUPPORT_EMAIL: 'oncall@example.com',
      PAYRAIL_SMTP_URL: smtp.url,
      PAYRAIL_SLA_SWEEP_MS: '0',
    },
  });
  api.app.get(SupportClock).now = () => now;
  support = (await adminSession(api, [{ role: 'support', merchantId: null }])).request;
  admin = (await adminSession(api, [{ role: 'admin', merchantId: null }])).request;
  finance = (await adminSession(api, [{ role: 'finance', merchantId: null }])).request;
}, 60_000);

afterAll(async () => {
  await api?.close();
  await smtp?.close();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

describeDb(`support cases ${dbLabel}`, () => {
  it('escalates a P1 whose 15-minute first response is missed to L2 and notifies the channels', async () => {
    const declined = await api.request('POST', '/v1/payments', {
      amount: 900,
      currency: 'usd',
      payment_method: { token: 'tok_declined' },
    });
    const paymentId = declined.body.error.payment_id;
    const opened = await support('POST', '/admin/cases', {
      subject: 'Checkout declines for a large merchant',
      priority: 'P1',
      payment_ids: [paymentId],
    });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({
      tier: 'L1',
      status: 'new',
      merchant_id: api.merchantId,
      payment_ids: [paymentId],
    });
    expect(opened.body.sla.first_response).toMatchObject({
      state: 'running',
      minutes_left: 15,
      due_at: '2026-12-01T10:15:00.000Z',
    });
    const id = opened.body.id;

    now = new Date(now.getTime() + 16 * 60_000);
    const late = await support('GET', `/admin/cases/${id}`);
    expect(late.body.sla.first_response).toMatchObject({ state: 'missed', minutes_left: -1 });

    expect(await api.app.get(CaseSlaService).sweep()).toBe(1);
    expect(await api.app.get(CaseSlaService).sweep()).toBe(0);
    const escalated = await support('GET', `/admin/cases/${id}`);
    expect(escalated.body.tier).toBe('L2');
    const types = escalated.body.timeline.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['opened', 'sla_breached', 'escalated', 'notified']));

    expect(hooks).toHaveLength(1);
    expect(verifySignature(SECRET, hooks[0].body, hooks[0].signature)).toBe(true);
    expect(JSON.parse(hooks[0].body)).toMatchObject({
      type: 'support_case.sla_breached',
      case: { id, priority: 'P1', tier: 'L2', url: `https://payments.example.com/cases/${id}` },
    });
    const [mail] = await smtp.waitFor(1);
    expect(mail.to).toEqual(['oncall@example.com']);
    expect(mail.raw).toMatch(/\[P1\] Case .* missed its SLA/);

    const audit = await api.app.get(AuditService).list({ resourceId: id });
    expect(audit.items.map((e) => e.action)).toEqual(
      expect.arrayContaining(['support_case.opened', 'support_case.escalated']),
    );
  });

  it('starts the business-hours clock of a case opened on Saturday on Monday morning', async () => {
    const calendar = await admin('POST', '/admin/support/calendars', {
      name: 'Berlin office',
      time_zone: 'Europe/Berlin',
      working_days: [1, 2, 3, 4, 5],
      opens: '09:00',
      closes: '17:00',
      holidays: ['2026-12-25'],
    });
    expect(calendar.status).toBe(201);
    const policies = await support('GET', '/admin/support/sla-policies');
    const p2 = policies.body.data.find((p: { priority: string }) => p.priority === 'P2');
    expect(
      (await support('PATCH', `/admin/support/sla-policies/${p2.id}`, { calendar_id: calendar.body.id }))
        .status,
    ).toBe(403);
    const changed = await admin('PATCH', `/admin/support/sla-policies/${p2.id}`, {
      calendar_id: calendar.body.id,
    });
    expect(changed.status).toBe(200);

    now = new Date('2026-11-28T14:00:00Z'); // Saturday
    const opened = await support('POST', '/admin/cases', {
      subject: 'Refund question',
      priority: 'P2',
      merchant_id: api.merchantId,
    });
    expect(opened.body.clock_started_at).toBe('2026-11-30T08:00:00.000Z'); // Monday 09:00 in Berlin
    expect(opened.body.sla.first_response.due_at).toBe('2026-11-30T09:00:00.000Z');
    expect(opened.body.sla.first_response.minutes_left).toBe(60);

    now = new Date('2026-11-30T08:20:00Z');
    const commented = await support('POST', `/admin/cases/${opened.body.id}/comments`, {
      body: 'Looking into it.',
    });
    expect(commented.status).toBe(201);
    const after = await support('GET', `/admin/cases/${opened.body.id}`);
    expect(after.body.status).toBe('open');
    expect(after.body.sla.first_response.state).toBe('met');
  });

  it('keeps the queue in SLA order and the roles to what they may do', async () => {
    now = new Date('2026-12-01T10:20:00Z');
    const queue = await support('GET', '/admin/cases');
    expect(queue.body.object).toBe('list');
    // Least business time left first: the Saturday P2 is 140 minutes past its resolution, the P1 5 past its first response.
    const left = queue.body.data.map(
      (c: { first_responded_at: string | null; sla: Record<string, { minutes_left: number }> }) =>
        c.first_responded_at ? c.sla['resolution'].minutes_left : c.sla['first_response'].minutes_left,
    );
    expect(left).toEqual([-140, -5]);
    const id = queue.body.data.find((c: { priority: string }) => c.priority === 'P1').id;
    expect((await finance('PATCH', `/admin/cases/${id}`, { status: 'pending' })).status).toBe(403);
    expect(
      (
        await finance('POST', '/admin/cases', {
          subject: 'From finance',
          priority: 'P4',
          merchant_id: api.merchantId,
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await support('POST', '/admin/support/calendars', {
          name: 'x',
          time_zone: 'UTC',
          working_days: [1],
          opens: '09:00',
          closes: '10:00',
        })
      ).status,
    ).toBe(403);
    const manual = await support('POST', `/admin/cases/${id}/escalate`, { reason: 'needs engineering' });
    expect(manual.body.tier).toBe('L3');
    expect((await support('POST', `/admin/cases/${id}/escalate`, { reason: 'again' })).status).toBe(409);
    expect((await support('POST', '/admin/cases', { subject: 'x', priority: 'P9' })).body.error.param).toBe(
      'priority',
    );
    expect(
      (await support('POST', '/admin/cases', { subject: 'x', priority: 'P3', payment_ids: ['pay_nope'] }))
        .body.error.param,
    ).toBe('payment_ids');
    expect(
      (
        await admin('POST', '/admin/support/calendars', {
          name: 'x',
          time_zone: 'Mars/Base',
          working_days: [1],
          opens: '09:00',
          closes: '10:00',
        })
      ).body.error.param,
    ).toBe('time_zone');
    const resolved = await support('PATCH', `/admin/cases/${id}`, { status: 'resolved' });
    expect(resolved.body.sla.resolution.state).toBe('met');
  });
});

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { newId } from '@payrail/database';
import { NOTIFICATION_SIGNATURE_HEADER } from '@payrail/notifications';
import { startSmtpCapture, type SmtpCapture } from '@payrail/notifications/testing';
import { JobQueue } from '@payrail/jobs';
import { CircuitBreaker } from '@payrail/monitoring';
import { Payment, PaymentAttempt } from '@payrail/payments';
import { GatewayError } from '@payrail/plugin-sdk';
import { verifySignature } from '@payrail/webhooks';
import { adminSession, type AdminRequest } from './admin-session';
import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';
import { AlertChannelRecord } from '../src/alerts/alert-channel.entity';
import { ALERTS_QUEUE, AlertEvaluator } from '../src/alerts/alert-evaluator.service';

const MINUTE = 60_000;
const INTERVAL = MINUTE;
const SECRET = 'whsec_alert_rules_spec_channel';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let api: TestApi;
let owner: AdminRequest;
let engineer: AdminRequest;
let support: AdminRequest;
let finance: AdminRequest;
let evaluator: AlertEvaluator;
let smtp: SmtpCapture;
let server: Server;
let receiverUrl: string;
let paymentId: string;
const received: Received[] = [];
/** How many coming requests the receiver answers 503. */
let refuse = 0;
/** A time well after the real payments of this suite, on an interval boundary: the test clock. */
const T0 = Math.ceil((Date.now() + 30 * 86_400_000) / INTERVAL) * INTERVAL;

async function attempts(
  from: number,
  to: number,
  every: number,
  failing: (at: number) => boolean,
): Promise<void> {
  const dataSource = api.app.get<DataSource>(getDataSourceToken());
  const rows = [];
  for (let at = from; at < to; at += every) {
    const failed = failing(at);
    rows.push({
      id: newId('att'),
      paymentId,
      merchantId: api.merchantId,
      operation: 'authorize' as const,
      status: failed ? ('failed' as const) : ('succeeded' as const),
      idempotencyKey: newId('idk'),
      amount: 1000,
      refundId: null,
      request: {},
      errorCode: failed ? 'gateway_unavailable' : null,
      errorMessage: null,
      gatewayCode: null,
      gatewayRequestId: null,
      latencyMs: 20,
      finishedAt: new Date(at),
      recoveryTries: 0,
      nextRecoveryAt: null,
      createdAt: new Date(at),
      updatedAt: new Date(at),
    });
  }
  for (let i = 0; i < rows.length; i += 200)
    await dataSource.getRepository(PaymentAttempt).insert(rows.slice(i, i + 200));
}

async function clearAttempts(): Promise<void> {
  const dataSource = api.app.get<DataSource>(getDataSourceToken());
  await dataSource
    .createQueryBuilder()
    .delete()
    .from('payment_attempts')
    .where('payment_id = :paymentId AND created_at > :after', {
      paymentId,
      after: new Date(Date.now() + 86_400_000),
    })
    .execute();
}

async function disableAllRules(): Promise<void> {
  for (const rule of (await owner('GET', '/admin/alerts/rules')).body.data)
    if (rule.enabled)
      expect((await owner('PATCH', `/admin/alerts/rules/${rule.id}`, { enabled: false })).status).toBe(200);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (refuse > 0) {
        refuse--;
        res.writeHead(503).end('busy');
        return;
      }
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('received');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
  smtp = await startSmtpCapture();
}, 30_000);

afterAll(async () => {
  await api?.close();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await smtp?.close();
});

describeDb(`stored alert rules and the evaluation job ${dbLabel}`, () => {
  beforeAll(async () => {
    api = await startTestApi({
      memory: true,
      env: {
        PAYRAIL_WEBHOOK_ALLOW_HTTP_LOOPBACK: 'on',
        PAYRAIL_SMTP_URL: `${smtp.url}?from=alerts@payrail.test`,
        PAYRAIL_ALERT_INTERVAL_MS: String(INTERVAL),
        PAYRAIL_PUBLIC_URL: 'https://payrail.example.com',
      },
    });
    evaluator = api.app.get(AlertEvaluator);
    owner = (await adminSession(api, [{ role: 'owner', merchantId: null }])).request;
    engineer = (await adminSession(api, [{ role: 'platform_engineer', merchantId: null }])).request;
    support = (await adminSession(api, [{ role: 'support', merchantId: null }])).request;
    finance = (await adminSession(api, [{ role: 'finance', merchantId: null }])).request;
    const payment = await api.request(
      'POST',
      '/v1/payments',
      { amount: 1000, currency: 'usd', capture_method: 'manual', payment_method: { token: 'tok_ok' } },
      { 'idempotency-key': newId('idk') },
    );
    expect(payment.status).toBe(201);
    paymentId = payment.body.id;
  }, 60_000);

  it('seeds the shipped rules on first start', async () => {
    const rules = (await support('GET', '/admin/alerts/rules')).body.data;
    expect(rules.every((r: { builtin: boolean }) => r.builtin)).toBe(true);
    expect(rules.map((r: { condition: { kind: string } }) => r.condition.kind).sort()).toEqual([
      'burn_rate',
      'gateway_down',
      'success_rate_baseline',
      'threshold',
      'threshold',
      'threshold',
      'threshold',
      'threshold',
      'threshold',
    ]);
    expect(rules.find((r: { name: string }) => r.name === 'ErrorBudgetBurn').condition).toMatchObject({
      slo: 0.999,
    });
    await disableAllRules();
  });

  it('keeps channel secrets sealed and answers hints; the test action says what the receiver answered', async () => {
    const created = await engineer('POST', '/admin/alerts/channels', {
      name: 'on-call webhook',
      type: 'webhook',
      url: receiverUrl,
      signing_secret: SECRET,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      type: 'webhook',
      url: receiverUrl,
      secret_hints: { signing_secret: '****nnel' },
    });
    expect(created.body.signing_secret).toBeUndefined();
    expect(created.text).not.toContain(SECRET);
    const dataSource = api.app.get<DataSource>(getDataSourceToken());
    const stored = await dataSource
      .getRepository(AlertChannelRecord)
      .findOneByOrFail({ id: created.body.id });
    expect(stored.secretSealed).not.toContain(SECRET);
    expect(stored.secretSealed).toBeTruthy();

    const generated = await engineer('POST', '/admin/alerts/channels', {
      name: 'gen',
      type: 'webhook',
      url: receiverUrl,
    });
    expect(generated.body.signing_secret).toMatch(/^whsec_/);
    expect((await owner('GET', `/admin/alerts/channels/${generated.body.id}`)).text).not.toContain(
      generated.body.signing_secret,
    );
    expect((await owner('DELETE', `/admin/alerts/channels/${generated.body.id}`)).status).toBe(200);

    const before = received.length;
    const test = await engineer('POST', `/admin/alerts/channels/${created.body.id}/test`);
    expect(test.status).toBe(200);
    expect(test.body).toMatchObject({
      object: 'alert_channel_test',
      ok: true,
      status: 200,
      response: 'received',
    });
    const sent = received[before];
    expect(JSON.parse(sent.body)).toMatchObject({
      version: '4',
      status: 'firing',
      commonLabels: { alertname: 'PayrailChannelTest' },
    });
    expect(
      verifySignature(
        SECRET,
        sent.body,
        String(sent.headers[NOTIFICATION_SIGNATURE_HEADER.toLowerCase()]),
        300,
      ),
    ).toBe(true);
    expect((await support('GET', `/admin/alerts/channels/${created.body.id}`)).body.last_test).toMatchObject({
      ok: true,
    });

    const audit = await owner('GET', '/admin/audit?action=alert_channel.created');
    expect(audit.status).toBe(200);
    expect(JSON.stringify(audit.body)).not.toContain(SECRET);
  });

  it('a rule "success rate < 80 % over 5 min" fires within two intervals with a signed v4 payload, resolves with a notice, and stays quiet while silenced', async () => {
    const channel = (await owner('GET', '/admin/alerts/channels')).body.data.find(
      (c: { name: string }) => c.name === 'on-call webhook',
    );
    const email = await owner('POST', '/admin/alerts/channels', {
      name: 'on-call mail',
      type: 'email',
      to: ['oncall@example.com'],
    });
    expect(email.status).toBe(201);
    const rule = await engineer('POST', '/admin/alerts/rules', {
      name: 'SuccessRateLow',
      severity: 'critical',
      condition: { kind: 'success_rate_below', threshold: 0.8, window_seconds: 300 },
      for_seconds: 60,
      channel_ids: [channel.id, email.body.id],
    });
    expect(rule.status).toBe(201);
    // Healthy for 10 min, then 40 % of calls fail for 10 min, then healthy for 20 min.
    const failFrom = T0 + 10 * MINUTE;
    const failTo = T0 + 20 * MINUTE;
    const failing = (at: number) => at >= failFrom && at < failTo && at % 25_000 < 10_000;
    await attempts(T0, T0 + 40 * MINUTE, 5_000, failing);
    // The first evaluation at which the 5-minute success rate is below 80 %, from the calls as generated.
    let holds = T0 + MINUTE;
    for (; ; holds += INTERVAL) {
      let calls = 0;
      let failed = 0;
      for (let at = T0; at < T0 + 40 * MINUTE; at += 5_000)
        if (at > holds - 5 * MINUTE && at <= holds) {
          calls++;
          if (failing(at)) failed++;
        }
      if (1 - failed / calls < 0.8) break;
    }

    const before = received.length;
    const transitions: Array<{ at: number; status: string }> = [];
    for (let now = T0 + MINUTE; now <= T0 + 40 * MINUTE; now += INTERVAL) {
      const run = await evaluator.evaluate(now);
      expect(run.skipped).toBe(false);
      // Idempotent: the same interval evaluated again does nothing and notifies nobody.
      expect((await evaluator.evaluate(now + 1)).skipped).toBe(true);
      for (const n of run.notices) transitions.push({ at: now, status: n.status });
    }
    expect(transitions.map((t) => t.status)).toEqual(['firing', 'resolved']);
    // Pending at the first evaluation that sees it, firing (for 1 min) within two intervals of it.
    expect(holds).toBeGreaterThan(failFrom);
    expect(transitions[0].at).toBeGreaterThan(holds);
    expect(transitions[0].at - holds).toBeLessThanOrEqual(2 * INTERVAL);
    const webhooks = received.slice(before);
    expect(webhooks).toHaveLength(2);
    const [firing, resolved] = webhooks;
    expect(
      verifySignature(
        SECRET,
        firing.body,
        String(firing.headers[NOTIFICATION_SIGNATURE_HEADER.toLowerCase()]),
        300,
        transitions[0].at,
      ),
    ).toBe(false); // signed at the real time of sending, not the test clock
    expect(
      verifySignature(
        SECRET,
        firing.body,
        String(firing.headers[NOTIFICATION_SIGNATURE_HEADER.toLowerCase()]),
        300,
      ),
    ).toBe(true);
    const payload = JSON.parse(firing.body);
    expect(payload).toMatchObject({
      version: '4',
      status: 'firing',
      receiver: 'on-call webhook',
      groupLabels: { alertname: 'SuccessRateLow' },
      commonLabels: {
        alertname: 'SuccessRateLow',
        gateway: 'memory',
        severity: 'critical',
        rule_id: rule.body.id,
      },
      externalURL: 'https://payrail.example.com',
    });
    expect(payload.alerts[0].annotations.description).toMatch(/success rate \d+\.\d % over 5 min/);
    const done = JSON.parse(resolved.body);
    expect(done.status).toBe('resolved');
    expect(done.alerts[0].fingerprint).toBe(payload.alerts[0].fingerprint);

    // Email went to the local SMTP server, once per transition.
    const mails = await smtp.waitFor(2);
    expect(mails[0].to).toEqual(['oncall@example.com']);
    expect(mails[0].raw).toMatch(/^Subject: \[FIRING\] SuccessRateLow on memory/m);
    expect(mails[1].raw).toMatch(/^Subject: \[RESOLVED\] SuccessRateLow on memory/m);

    // The stored episode, through the routes.
    const list = await support('GET', `/admin/alerts?state=resolved&rule_id=${rule.body.id}`);
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).toMatchObject({
      state: 'resolved',
      fingerprint: payload.alerts[0].fingerprint,
      labels: { gateway: 'memory' },
    });
    expect(list.body.data[0].notified_at).not.toBeNull();
    expect(list.body.data[0].resolved_notified_at).not.toBeNull();

    // The same outage again, later, under a silence: evaluated and stored, never announced.
    const silence = await engineer('POST', '/admin/alerts/silences', {
      matchers: { alertname: 'SuccessRateLow', gateway: 'memory' },
      reason: 'gateway maintenance',
      duration_seconds: 90 * 86_400,
    });
    expect(silence.status).toBe(201);
    expect(silence.body).toMatchObject({
      state: 'active',
      created_by: expect.stringContaining('@example.com'),
    });
    const T1 = T0 + 60 * MINUTE;
    await attempts(T1, T1 + 20 * MINUTE, 5_000, (at) => at >= T1 + 5 * MINUTE && at < T1 + 15 * MINUTE);
    const quiet = received.length;
    const mailsBefore = smtp.received.length;
    let sawFiring = false;
    for (let now = T1 + MINUTE; now <= T1 + 20 * MINUTE; now += INTERVAL) {
      const run = await evaluator.evaluate(now);
      expect(run.notices).toEqual([]);
      const active = await support('GET', `/admin/alerts?state=firing&rule_id=${rule.body.id}`);
      if (active.body.data.length) {
        sawFiring = true;
        expect(active.body.data[0].silenced).toBe(true);
        expect(active.body.data[0].notified_at).toBeNull();
      }
    }
    expect(sawFiring).toBe(true);
    expect(received.length).toBe(quiet);
    expect(smtp.received.length).toBe(mailsBefore);
    const expired = await engineer('DELETE', `/admin/alerts/silences/${silence.body.id}`);
    expect(expired.body.state).toBe('expired');
    expect(
      (await support('GET', '/admin/alerts/silences?state=expired')).body.data.map(
        (s: { id: string }) => s.id,
      ),
    ).toContain(silence.body.id);
    await owner('PATCH', `/admin/alerts/rules/${rule.body.id}`, { enabled: false });
    await clearAttempts();
  }, 60_000);

  it('acknowledges an alert: who, when, the note, in the audit trail', async () => {
    const [alert] = (await support('GET', '/admin/alerts?state=all&limit=1')).body.data;
    expect(alert).toBeDefined();
    expect((await support('POST', `/admin/alerts/${alert.id}/acknowledge`, { note: 'x' })).status).toBe(403);
    const ack = await engineer('POST', `/admin/alerts/${alert.id}/acknowledge`, { note: 'looking into it' });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({
      id: alert.id,
      acknowledgement_note: 'looking into it',
      acknowledged_by: expect.stringContaining('@example.com'),
    });
    expect(ack.body.acknowledged_at).not.toBeNull();
    expect(
      (await owner('GET', `/admin/alerts?state=all&acknowledged=true`)).body.data.map(
        (a: { id: string }) => a.id,
      ),
    ).toContain(alert.id);
    const audit = await owner('GET', '/admin/audit?action=alert.acknowledged');
    expect(audit.body.data.length).toBeGreaterThan(0);
    expect((await owner('POST', '/admin/alerts/alt_missing/acknowledge', {})).status).toBe(404);
  });

  it('the burn-rate rule fires at a 2 % error rate against a 99.9 % SLO and stays quiet at 0.05 %', async () => {
    const rule = await owner('POST', '/admin/alerts/rules', {
      name: 'BurnRate',
      severity: 'critical',
      condition: { kind: 'burn_rate', slo: 0.999 },
    });
    expect(rule.status).toBe(201);
    expect(rule.body.condition.windows).toHaveLength(2);
    const T2 = T0 + 3 * 86_400_000;
    // 7 h of a call every 5 s at 0.05 %: quiet.
    let i = 0;
    await attempts(T2 - 7 * 3600_000, T2, 5_000, () => ++i % 2000 === 0);
    let run = await evaluator.evaluate(T2);
    expect(run.notices).toEqual([]);
    expect((await support('GET', `/admin/alerts?state=active&rule_id=${rule.body.id}`)).body.data).toEqual(
      [],
    );
    await clearAttempts();
    i = 0;
    await attempts(T2 - 7 * 3600_000, T2 + INTERVAL, 5_000, () => ++i % 50 === 0);
    run = await evaluator.evaluate(T2 + INTERVAL);
    expect(run.notices.map((n) => n.status)).toEqual(['firing']);
    expect(run.notices[0].alert.annotations['description']).toMatch(/burning 14.4x over 60 and 5 min/);
    // The lower of the two windows' burn rates: about 20 (2 % over a 0.1 % budget).
    expect(run.notices[0].alert.value).toBeGreaterThan(14.4);
    expect(run.notices[0].alert.value).toBeLessThan(25);
    await owner('DELETE', `/admin/alerts/rules/${rule.body.id}`);
    await clearAttempts();
    // A deleted rule's open alert resolves at the next evaluation.
    await evaluator.evaluate(T2 + 2 * INTERVAL);
    expect((await support('GET', `/admin/alerts?state=active&rule_id=${rule.body.id}`)).body.data).toEqual(
      [],
    );
  }, 60_000);

  it('the baseline rule fires when the hour falls far below the same hour of the previous 7 days, and not otherwise', async () => {
    const rule = await owner('POST', '/admin/alerts/rules', {
      name: 'Baseline',
      severity: 'warning',
      condition: { kind: 'success_rate_baseline', max_drop: 0.1 },
    });
    expect(rule.status).toBe(201);
    expect(rule.body.condition).toMatchObject({ window_seconds: 3600, baseline_days: 7, min_calls: 20 });
    const T3 = T0 + 10 * 86_400_000;
    const DAY = 86_400_000;
    // The same hour on each of the previous 7 days: every call a minute succeeded.
    for (let day = 1; day <= 7; day++) {
      await attempts(T3 - day * DAY - 3600_000 + 1, T3 - day * DAY, MINUTE, () => false);
    }
    // This hour: 95 %, 5 points down: quiet.
    let n = 0;
    await attempts(T3 - 3600_000 + 1, T3, 30_000, () => ++n % 20 === 0);
    let run = await evaluator.evaluate(T3);
    expect(run.notices).toEqual([]);
    const quiet = (await support('GET', `/admin/alerts?state=all&rule_id=${rule.body.id}`)).body.data;
    expect(quiet).toEqual([]);
    // The next hour-long window: 70 %, 29 points down: fires.
    n = 0;
    await attempts(T3 + 1, T3 + INTERVAL, 1_000, () => ++n % 10 < 7);
    const next = T3 + INTERVAL;
    for (let day = 1; day <= 7; day++)
      await attempts(next - day * DAY - MINUTE + 1, next - day * DAY, MINUTE, () => false);
    // Most of the window is the failing minute's burst: 60 calls at 70 % failure among 120 at 95 %.
    run = await evaluator.evaluate(next);
    expect(run.notices.map((x) => x.status)).toEqual(['firing']);
    expect(run.notices[0].alert.annotations['description']).toMatch(
      /against 100\.0 % at this time over the previous 7 days/,
    );
    await owner('DELETE', `/admin/alerts/rules/${rule.body.id}`);
    await clearAttempts();
    // The deleted rule's alert resolves with a notice (it had fired).
    run = await evaluator.evaluate(next + INTERVAL);
    expect(run.notices.map((x) => [x.status, x.alert.annotations['description']])).toEqual([
      ['resolved', 'no longer evaluated'],
    ]);
  }, 60_000);

  it('a gateway-down rule follows the circuit, a backlog rule reads payments flagged for review, and Slack gets its own format', async () => {
    const slack = await owner('POST', '/admin/alerts/channels', {
      name: 'ops slack',
      type: 'slack',
      webhook_url: `${receiverUrl}/slack-hook-secret-part`,
    });
    expect(slack.status).toBe(201);
    expect(slack.text).not.toContain('slack-hook-secret-part');
    expect(slack.body.secret_hints.webhook_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\*\*\*\*part$/);
    const down = await owner('POST', '/admin/alerts/rules', {
      name: 'Down',
      severity: 'critical',
      condition: { kind: 'gateway_down' },
      channel_ids: [slack.body.id],
    });
    const review = await owner('POST', '/admin/alerts/rules', {
      name: 'Review',
      severity: 'warning',
      condition: { kind: 'threshold', metric: 'payments_needing_review', above: 0 },
    });
    expect(down.body.condition).toEqual({ kind: 'gateway_down', failed_checks: 3 });
    const T4 = T0 + 20 * 86_400_000;
    let run = await evaluator.evaluate(T4);
    expect(run.notices).toEqual([]);

    const breaker = api.app.get(CircuitBreaker);
    const connectionId = api.memoryConnectionId as string;
    for (let i = 0; i < 10; i++)
      await breaker.record(connectionId, 'memory', false, new GatewayError('gateway_unavailable', {}));
    expect((await breaker.view(connectionId)).state).toBe('open');
    const dataSource = api.app.get<DataSource>(getDataSourceToken());
    await dataSource.getRepository(Payment).update({ id: paymentId }, { needsReview: true });
    const before = received.length;
    run = await evaluator.evaluate(T4 + INTERVAL);
    expect(run.notices.map((n) => [n.alert.labels['alertname'], n.status]).sort()).toEqual([
      ['Down', 'firing'],
      ['Review', 'firing'],
    ]);
    const notice = run.notices.find((n) => n.alert.labels['alertname'] === 'Down');
    expect(notice?.alert.labels).toMatchObject({ gateway: 'memory', connection_id: connectionId });
    expect(notice?.alert.annotations['description']).toBe('the circuit is open');
    const message = JSON.parse(received[before].body);
    expect(message.text).toContain('Down on ' + connectionId);
    expect(message.blocks[0]).toMatchObject({ type: 'header' });

    await breaker.reset(connectionId, 'memory');
    await dataSource.getRepository(Payment).update({ id: paymentId }, { needsReview: false });
    run = await evaluator.evaluate(T4 + 2 * INTERVAL);
    expect(run.notices.map((n) => [n.alert.labels['alertname'], n.status]).sort()).toEqual([
      ['Down', 'resolved'],
      ['Review', 'resolved'],
    ]);
    expect(JSON.parse(received.at(-1)?.body ?? '{}').blocks[0].text.text).toContain(':large_green_circle:');
    await owner('DELETE', `/admin/alerts/rules/${down.body.id}`);
    await owner('DELETE', `/admin/alerts/rules/${review.body.id}`);
  });

  it('tries a notice no channel took again at the next evaluation, and delivers it once', async () => {
    const channel = (await owner('GET', '/admin/alerts/channels')).body.data.find(
      (c: { name: string }) => c.name === 'on-call webhook',
    );
    const rule = await owner('POST', '/admin/alerts/rules', {
      name: 'AllFailing',
      severity: 'critical',
      condition: { kind: 'success_rate_below', threshold: 0.5, window_seconds: 300 },
      channel_ids: [channel.id],
    });
    const T6 = T0 + 27 * 86_400_000;
    await attempts(T6 - 5 * MINUTE, T6 + 3 * MINUTE, 5_000, () => true);
    refuse = 1;
    const before = received.length;
    const first = await evaluator.evaluate(T6);
    expect(first.skipped).toBe(false);
    expect(first.notices.map((n) => n.status)).toEqual(['firing']);
    expect(received.length).toBe(before);
    let [alert] = (await support('GET', `/admin/alerts?rule_id=${rule.body.id}`)).body.data;
    expect(alert).toMatchObject({ state: 'firing', notified_at: null });
    const second = await evaluator.evaluate(T6 + INTERVAL);
    expect(second.notices.map((n) => n.status)).toEqual(['firing']);
    expect(received.length).toBe(before + 1);
    [alert] = (await support('GET', `/admin/alerts?rule_id=${rule.body.id}`)).body.data;
    expect(alert.notified_at).not.toBeNull();
    expect((await evaluator.evaluate(T6 + 2 * INTERVAL)).notices).toEqual([]);
    expect(received.length).toBe(before + 1);
    await owner('DELETE', `/admin/alerts/rules/${rule.body.id}`);
    await evaluator.evaluate(T6 + 3 * INTERVAL);
    await clearAttempts();
  });

  it('runs as a scheduled job, and evaluates one interval once however many runs race for it', async () => {
    const jobs = api.app.get(JobQueue);
    expect(jobs.queues()).toContain(ALERTS_QUEUE);
    const T5 = T0 + 25 * 86_400_000;
    const runs = await Promise.all([
      evaluator.evaluate(T5),
      evaluator.evaluate(T5 + 10),
      evaluator.evaluate(T5 + 20),
    ]);
    expect(runs.filter((r) => !r.skipped)).toHaveLength(1);
    // The scheduler's job: the same work through the queue, once per interval key.
    const first = await jobs.enqueue(
      ALERTS_QUEUE,
      { scheduled: true },
      { uniqueKey: 'alerts-spec@1', maxAttempts: 1 },
    );
    const again = await jobs.enqueue(
      ALERTS_QUEUE,
      { scheduled: true },
      { uniqueKey: 'alerts-spec@1', maxAttempts: 1 },
    );
    expect(again).toBe(first);
    await jobs.drain({ timeoutMs: 10_000 });
    expect((await jobs.get(first))?.state).toBe('completed');
  });

  it('lets support read but not edit, refuses finance, and names the field of bad input', async () => {
    expect((await support('GET', '/admin/alerts')).status).toBe(200);
    expect((await support('GET', '/admin/alerts/silences')).status).toBe(200);
    expect((await support('POST', '/admin/alerts/rules', { name: 'x' })).status).toBe(403);
    expect(
      (await support('POST', '/admin/alerts/channels', { name: 'x', type: 'email', to: ['a@b.c'] })).status,
    ).toBe(403);
    expect((await support('POST', '/admin/alerts/silences', {})).status).toBe(403);
    for (const path of [
      '/admin/alerts',
      '/admin/alerts/rules',
      '/admin/alerts/channels',
      '/admin/alerts/silences',
    ])
      expect((await finance('GET', path)).status).toBe(403);
    // A role for one merchant only reads; alert configuration is platform-wide.
    const scoped = (await adminSession(api, [{ role: 'platform_engineer', merchantId: api.merchantId }]))
      .request;
    expect((await scoped('GET', '/admin/alerts/rules')).status).toBe(200);
    const refused = await scoped('POST', '/admin/alerts/silences', {
      matchers: { gateway: 'memory' },
      reason: 'r',
      duration_seconds: 600,
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/platform-wide/);

    const bad = async (path: string, body: unknown, param: string) => {
      const res = await owner('POST', path, body);
      expect({ status: res.status, param: res.body.error?.param }).toEqual({ status: 400, param });
    };
    await bad('/admin/alerts/rules', { severity: 'critical', condition: { kind: 'gateway_down' } }, 'name');
    await bad(
      '/admin/alerts/rules',
      { name: 'r', severity: 'loud', condition: { kind: 'gateway_down' } },
      'severity',
    );
    await bad(
      '/admin/alerts/rules',
      { name: 'r', severity: 'info', condition: { kind: 'nope' } },
      'condition.kind',
    );
    await bad(
      '/admin/alerts/rules',
      {
        name: 'r',
        severity: 'info',
        condition: { kind: 'success_rate_below', threshold: 80, window_seconds: 300 },
      },
      'condition.threshold',
    );
    await bad(
      '/admin/alerts/rules',
      { name: 'r', severity: 'info', condition: { kind: 'threshold', metric: 'cpu', above: 1 } },
      'condition.metric',
    );
    await bad(
      '/admin/alerts/rules',
      { name: 'r', severity: 'info', condition: { kind: 'gateway_down' }, channel_ids: ['alc_missing'] },
      'channel_ids[0]',
    );
    await bad('/admin/alerts/channels', { name: 'c', type: 'pager' }, 'type');
    await bad('/admin/alerts/channels', { name: 'c', type: 'webhook', url: 'ftp://x' }, 'url');
    await bad(
      '/admin/alerts/channels',
      { name: 'c', type: 'webhook', url: receiverUrl, signing_secret: 'short' },
      'signing_secret',
    );
    await bad('/admin/alerts/channels', { name: 'c', type: 'email', to: ['not-an-address'] }, 'to[0]');
    await bad('/admin/alerts/channels', { name: 'c', type: 'slack' }, 'webhook_url');
    await bad('/admin/alerts/silences', { matchers: {}, reason: 'r', duration_seconds: 600 }, 'matchers');
    await bad(
      '/admin/alerts/silences',
      { matchers: { team: 'x' }, reason: 'r', duration_seconds: 600 },
      'matchers.team',
    );
    await bad('/admin/alerts/silences', { matchers: { gateway: 'memory' }, duration_seconds: 600 }, 'reason');
    await bad('/admin/alerts/silences', { matchers: { gateway: 'memory' }, reason: 'r' }, 'ends_at');
    await bad(
      '/admin/alerts/silences',
      { matchers: { gateway: 'memory' }, reason: 'r', ends_at: '2001-01-01T00:00:00Z' },
      'ends_at',
    );
    expect((await owner('GET', '/admin/alerts?state=burning')).body.error.param).toBe('state');
    expect((await owner('GET', '/admin/alerts?limit=0')).body.error.param).toBe('limit');
    expect((await owner('GET', '/admin/alerts/rules/alr_missing')).status).toBe(404);
    expect((await owner('PATCH', '/admin/alerts/channels/alc_missing', { name: 'x' })).status).toBe(404);
    expect((await owner('DELETE', '/admin/alerts/silences/als_missing')).status).toBe(404);
  });
});

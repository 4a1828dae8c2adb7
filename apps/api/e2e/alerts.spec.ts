import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  EmailSender,
  NOTIFICATION_SIGNATURE_HEADER,
  parseSmtpUrl,
  sendSignedWebhook,
} from '@payrail/notifications';
import { startSmtpCapture, type SmtpCapture } from '@payrail/notifications/testing';
import { verifySignature } from '@payrail/webhooks';
import {
  alertmanagerPayload,
  DEFAULT_BURN_WINDOWS,
  evaluateAlerts,
  evaluateCondition,
  type AlertInstance,
  type AlertRuleSpec,
  type CallOutcomeSample,
  type Silence,
} from '@payrail/monitoring';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);

/** Calls every 5 s on one gateway, failing where `failing(at)` says. */
function traffic(
  from: number,
  to: number,
  failing: (at: number) => boolean,
  gateway = 'stripe',
): CallOutcomeSample[] {
  const out: CallOutcomeSample[] = [];
  for (let at = from; at < to; at += 5_000) out.push({ at, gateway, failed: failing(at) });
  return out;
}

const successRule: AlertRuleSpec = {
  id: 'ar_success',
  name: 'SuccessRateLow',
  severity: 'critical',
  condition: { kind: 'success_rate_below', threshold: 0.8, windowMs: 5 * MINUTE },
  forMs: MINUTE,
};

describe('alert evaluation with a test clock', () => {
  let server: Server;
  let receiver: string;
  let smtp: SmtpCapture;
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  const secret = 'whsec_alerts_test_channel';

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
    smtp = await startSmtpCapture();
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await smtp.close();
  });

  /** Runs the evaluation each minute from `from` to `to`, sending every notice as a signed v4 webhook. */
  async function run(
    samples: CallOutcomeSample[],
    from: number,
    to: number,
    state: Map<string, AlertInstance>,
    silences: Silence[] = [],
  ) {
    const sent: Array<{ at: number; status: string }> = [];
    for (let now = from; now <= to; now += MINUTE) {
      const { alerts, notices } = evaluateAlerts({
        rules: [successRule],
        samples,
        previous: state,
        silences,
        now,
      });
      state.clear();
      for (const [k, v] of alerts) state.set(k, v);
      if (notices.length === 0) continue;
      const result = await sendSignedWebhook(
        {
          url: receiver,
          secret,
          payload: alertmanagerPayload(notices, {
            receiver: 'oncall',
            externalUrl: 'https://payrail.example.com',
          }),
        },
        { allowHttpLoopback: true },
        {},
        now,
      );
      expect(result.ok).toBe(true);
      for (const n of notices) sent.push({ at: now, status: n.status });
    }
    return sent;
  }

  it('fires within two evaluation intervals with a signed v4 payload, resolves after recovery, and stays quiet while silenced', async () => {
    // Healthy for 10 min, then 40 % of calls fail for 10 min, then healthy again.
    const failingFrom = T0 + 10 * MINUTE;
    const failingTo = T0 + 20 * MINUTE;
    const samples = traffic(
      T0,
      T0 + 40 * MINUTE,
      (at) => at >= failingFrom && at < failingTo && at % 25_000 < 10_000,
    );
    // The first evaluation at which the condition holds.
    let holds = T0;
    while (!evaluateCondition(successRule.condition, samples, holds).active) holds += MINUTE;
    const state = new Map<string, AlertInstance>();
    const sent = await run(samples, T0, T0 + 40 * MINUTE, state);

    expect(sent.map((s) => s.status)).toEqual(['firing', 'resolved']);
    expect(sent[0].at - holds).toBeLessThanOrEqual(2 * MINUTE);
    const [firing, resolved] = received.slice(-2);
    expect(
      verifySignature(
        secret,
        firing.body,
        String(firing.headers[NOTIFICATION_SIGNATURE_HEADER.toLowerCase()]),
        300,
        sent[0].at,
      ),
    ).toBe(true);
    const payload = JSON.parse(firing.body);
    expect(payload).toMatchObject({
      version: '4',
      status: 'firing',
      receiver: 'oncall',
      groupLabels: { alertname: 'SuccessRateLow' },
      commonLabels: {
        alertname: 'SuccessRateLow',
        gateway: 'stripe',
        severity: 'critical',
        rule_id: 'ar_success',
      },
      externalURL: 'https://payrail.example.com',
      truncatedAlerts: 0,
    });
    expect(payload.alerts[0]).toMatchObject({
      status: 'firing',
      endsAt: '0001-01-01T00:00:00Z',
      fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(payload.alerts[0].annotations.description).toMatch(/success rate \d+\.\d % over 5 min/);
    const done = JSON.parse(resolved.body);
    expect(done.status).toBe('resolved');
    expect(done.alerts[0].fingerprint).toBe(payload.alerts[0].fingerprint);
    expect(Date.parse(done.alerts[0].endsAt)).toBeGreaterThan(Date.parse(done.alerts[0].startsAt));

    // The same episode under a silence: evaluated, never announced.
    const quiet = await run(samples, T0, T0 + 40 * MINUTE, new Map(), [
      {
        matchers: { alertname: 'SuccessRateLow', gateway: 'stripe' },
        endsAt: T0 + 60 * MINUTE,
        reason: 'gateway maintenance',
      },
    ]);
    expect(quiet).toEqual([]);
  });

  it('deduplicates: a firing alert is announced once however many evaluations see it', () => {
    const samples = traffic(T0, T0 + 30 * MINUTE, () => true);
    let state = new Map<string, AlertInstance>();
    let announced = 0;
    for (let now = T0 + MINUTE; now <= T0 + 30 * MINUTE; now += MINUTE) {
      const step = evaluateAlerts({ rules: [successRule], samples, previous: state, silences: [], now });
      announced += step.notices.length;
      state = step.alerts;
    }
    expect(announced).toBe(1);
    expect([...state.values()][0].state).toBe('firing');
  });

  it('delivers the notice by email to the SMTP server', async () => {
    const samples = traffic(T0, T0 + 10 * MINUTE, () => true, 'paypal');
    const first = evaluateAlerts({
      rules: [{ ...successRule, forMs: 0 }],
      samples,
      previous: new Map(),
      silences: [],
      now: T0 + 6 * MINUTE,
    });
    expect(first.notices).toHaveLength(1);
    const sender = new EmailSender(parseSmtpUrl(`${smtp.url}?from=alerts@payrail.test`));
    const notice = first.notices[0];
    const result = await sender.send({
      to: 'oncall@example.com',
      subject: `[${notice.status.toUpperCase()}] ${notice.alert.annotations['summary']}`,
      text: `${notice.alert.annotations['description']}\nfingerprint ${notice.alert.fingerprint}`,
    });
    sender.close();
    expect(result.ok).toBe(true);
    const [mail] = await smtp.waitFor(1);
    expect(mail.to).toEqual(['oncall@example.com']);
    expect(mail.raw).toMatch(/^Subject: \[FIRING\] SuccessRateLow on paypal/m);
    expect(mail.raw).toContain(notice.alert.fingerprint);
  });
});

describe('the multi-window burn-rate condition', () => {
  const condition = { kind: 'burn_rate' as const, slo: 0.999, windows: DEFAULT_BURN_WINDOWS };
  const steady = (everyNth: number) => {
    const out: CallOutcomeSample[] = [];
    let i = 0;
    for (let at = T0; at < T0 + 7 * 3600_000; at += 1_000)
      out.push({ at, gateway: 'stripe', failed: ++i % everyNth === 0 });
    return out;
  };

  it('fires at a 2 % error rate against a 99.9 % SLO', () => {
    const result = evaluateCondition(condition, steady(50), T0 + 7 * 3600_000);
    expect(result.active).toBe(true);
    expect(result.value).toBeCloseTo(20, 0);
    expect(result.description).toMatch(/burning 14.4x over 60 and 5 min/);
  });

  it('stays quiet at 0.05 %', () => {
    const result = evaluateCondition(condition, steady(2000), T0 + 7 * 3600_000);
    expect(result.active).toBe(false);
    expect(result.value).toBeCloseTo(0.5, 1);
  });
});

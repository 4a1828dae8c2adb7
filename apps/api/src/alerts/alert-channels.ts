import type { AlertChannelTestResource } from '@payrail/api-contract';
import type { Notifier } from '@payrail/notifications';
import { alertmanagerPayload, type AlertNotice } from '@payrail/monitoring';
import type { AlertChannelRecord } from './alert-channel.entity';

/** What a channel needs besides its record: its opened secret, and where the console is. */
export interface ChannelSendContext {
  notifier: Notifier;
  secret: string | null;
  externalUrl: string;
}

function emailText(notices: readonly AlertNotice[], externalUrl: string): { subject: string; text: string } {
  const firing = notices.filter((n) => n.status === 'firing').length;
  const first = notices[0];
  const subject =
    notices.length === 1
      ? `[${first.status.toUpperCase()}] ${first.alert.annotations['summary']}`
      : `[${firing ? 'FIRING' : 'RESOLVED'}:${notices.length}] ${first.alert.labels['alertname']}`;
  const lines = notices.map((n) =>
    [
      `${n.status.toUpperCase()} ${n.alert.annotations['summary']} (${n.alert.labels['severity']})`,
      `  ${n.alert.annotations['description']}`,
      `  since ${new Date(n.alert.startsAt).toISOString()}${n.alert.endsAt ? `, resolved ${new Date(n.alert.endsAt).toISOString()}` : ''}`,
      `  fingerprint ${n.alert.fingerprint}`,
      `  ${externalUrl}/monitoring?alert=${n.alert.fingerprint}`,
    ].join('\n'),
  );
  return { subject, text: lines.join('\n\n') };
}

/**
 * Sends notices to one channel: a signed Alertmanager v4 body (webhook), a Slack message, or an
 * email. Never throws: the result says what the receiver answered.
 */
export async function sendToChannel(
  channel: AlertChannelRecord,
  notices: readonly AlertNotice[],
  context: ChannelSendContext,
  now = Date.now(),
): Promise<AlertChannelTestResource> {
  const testedAt = new Date(now).toISOString();
  if (channel.type === 'email') {
    const { subject, text } = emailText(notices, context.externalUrl);
    const result = await context.notifier.sendEmail({
      to: channel.emailRecipients,
      subject,
      text,
      headers: { 'X-Payrail-Alert': notices.map((n) => n.alert.fingerprint).join(' ') },
    });
    return result.ok
      ? {
          ok: true,
          status: null,
          response: result.messageId,
          error: null,
          latency_ms: result.latencyMs,
          tested_at: testedAt,
        }
      : {
          ok: false,
          status: null,
          response: null,
          error: result.error,
          latency_ms: result.latencyMs,
          tested_at: testedAt,
        };
  }
  if (!context.secret)
    return {
      ok: false,
      status: null,
      response: null,
      error: 'the channel has no stored secret',
      latency_ms: 0,
      tested_at: testedAt,
    };
  const result =
    channel.type === 'webhook'
      ? await context.notifier.sendSignedWebhook({
          url: channel.url ?? '',
          secret: context.secret,
          payload: alertmanagerPayload(notices, { receiver: channel.name, externalUrl: context.externalUrl }),
          headers: { 'x-payrail-channel': channel.id },
        })
      : await context.notifier.sendSlack(context.secret, {
          title: notices.length === 1 ? notices[0].alert.annotations['summary'] : `${notices.length} alerts`,
          text: notices
            .map((n) => `${n.status.toUpperCase()}: ${n.alert.annotations['description']}`)
            .join('\n'),
          severity: notices.every((n) => n.status === 'resolved')
            ? 'resolved'
            : ((notices[0].alert.labels['severity'] as 'critical' | 'warning' | 'info') ?? 'warning'),
          fields: Object.fromEntries(
            Object.entries(notices[0].alert.labels).filter(([k]) => k !== 'alertname'),
          ),
          link: {
            url: `${context.externalUrl}/monitoring?alert=${notices[0].alert.fingerprint}`,
            label: 'Open in Payrail',
          },
        });
  return {
    ok: result.ok,
    status: result.statusCode,
    response: result.excerpt,
    error: result.error,
    latency_ms: result.latencyMs,
    tested_at: testedAt,
  };
}

/** The notice a channel test sends: labelled as a test, firing, never stored. */
export function testNotice(channel: AlertChannelRecord, now: number): AlertNotice {
  return {
    status: 'firing',
    alert: {
      fingerprint: '0000000000000000',
      ruleId: 'test',
      labels: { alertname: 'PayrailChannelTest', rule_id: 'test', severity: 'info', channel_id: channel.id },
      annotations: {
        summary: `Test notification for ${channel.name}`,
        description: 'Sent from the console to check this channel; no alert is firing.',
      },
      state: 'firing',
      startsAt: now,
      activeSince: now,
      endsAt: null,
      value: null,
    },
  };
}

import { sendWebhook, type OutboundPolicy, type SendOptions, type SendResult } from '@payrail/webhooks';

/** One notice for a Slack incoming webhook. */
export interface SlackNotice {
  title: string;
  text: string;
  /** Shown as an emoji in the heading; `resolved` reads as good news. */
  severity?: 'critical' | 'warning' | 'info' | 'resolved';
  /** Short facts shown as a two-column list (at most 10). */
  fields?: Record<string, string>;
  /** A link to where the reader acts (the console page). */
  link?: { url: string; label: string };
}

const EMOJI: Record<NonNullable<SlackNotice['severity']>, string> = {
  critical: ':red_circle:',
  warning: ':large_orange_circle:',
  info: ':large_blue_circle:',
  resolved: ':large_green_circle:',
};

/** Slack's control characters in mrkdwn text are &, < and >. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The incoming-webhook body: `text` (the fallback notifications show) and Block Kit `blocks`
 * (a header, the text, the fields, a link button).
 */
export function slackPayload(notice: SlackNotice): { text: string; blocks: unknown[] } {
  const heading = `${notice.severity ? `${EMOJI[notice.severity]} ` : ''}${notice.title}`;
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: heading.slice(0, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: escape(notice.text).slice(0, 3000) } },
  ];
  const fields = Object.entries(notice.fields ?? {}).slice(0, 10);
  if (fields.length > 0)
    blocks.push({
      type: 'section',
      fields: fields.map(([name, value]) => ({
        type: 'mrkdwn',
        text: `*${escape(name)}*\n${escape(value)}`.slice(0, 2000),
      })),
    });
  if (notice.link)
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: notice.link.label.slice(0, 75) },
          url: notice.link.url,
        },
      ],
    });
  return { text: escape(`${heading}: ${notice.text}`).slice(0, 3000), blocks };
}

/** POSTs the notice to a Slack incoming-webhook URL under the webhook sender's SSRF guard. */
export function sendSlack(
  url: string,
  notice: SlackNotice,
  policy: OutboundPolicy,
  options: SendOptions = {},
): Promise<SendResult> {
  return sendWebhook(
    url,
    JSON.stringify(slackPayload(notice)),
    { 'content-type': 'application/json', 'user-agent': 'Payrail-Notifications/1' },
    policy,
    options,
  );
}

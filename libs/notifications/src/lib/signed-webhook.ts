import {
  sendWebhook,
  SIGNATURE_HEADER,
  signPayload,
  type OutboundPolicy,
  type SendOptions,
  type SendResult,
} from '@payrail/webhooks';

export type { SendResult as NotificationResult } from '@payrail/webhooks';

/** The header a signed notification carries: `t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`, as merchant webhooks. */
export const NOTIFICATION_SIGNATURE_HEADER = SIGNATURE_HEADER;

export interface SignedWebhook {
  url: string;
  /** The channel's signing secret; the receiver checks the header with it (`verifySignature` in @payrail/webhooks). */
  secret: string;
  /** Serialized as JSON; exactly these bytes are signed. */
  payload: unknown;
  /** Extra headers, e.g. an event type. */
  headers?: Record<string, string>;
}

/**
 * POSTs a JSON notification signed with HMAC-SHA256 under the SSRF guard of the webhook sender
 * (https only, private and metadata addresses refused, no redirects, 10 s, 64 kB read).
 */
export function sendSignedWebhook(
  message: SignedWebhook,
  policy: OutboundPolicy,
  options: SendOptions = {},
  now = Date.now(),
): Promise<SendResult> {
  const body = JSON.stringify(message.payload);
  return sendWebhook(
    message.url,
    body,
    {
      ...message.headers,
      'content-type': 'application/json',
      'user-agent': 'Payrail-Notifications/1',
      [NOTIFICATION_SIGNATURE_HEADER]: signPayload(message.secret, body, Math.floor(now / 1000)),
    },
    policy,
    options,
  );
}

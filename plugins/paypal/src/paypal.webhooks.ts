import { createVerify, X509Certificate, type KeyObject } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { crc32 } from 'node:zlib';
import {
  GatewayError,
  type GatewayWebhookEvent,
  type ResolvedEndpoint,
  type WebhookEventType,
} from '@payrail/plugin-sdk';
import {
  disputedCapture,
  PAYPAL_DISPUTE_EVENT_TYPES,
  paypalDispute,
  type PayPalDisputeWire,
} from './paypal.disputes';

/** PayPal event types Payrail acts on; anything else is `other`. */
export const PAYPAL_EVENT_TYPES = [
  'PAYMENT.AUTHORIZATION.CREATED',
  'PAYMENT.AUTHORIZATION.VOIDED',
  'PAYMENT.CAPTURE.COMPLETED',
  'PAYMENT.CAPTURE.PENDING',
  'PAYMENT.CAPTURE.DECLINED',
  'PAYMENT.CAPTURE.DENIED',
  'PAYMENT.CAPTURE.REFUNDED',
  'PAYMENT.CAPTURE.REVERSED',
  'CHECKOUT.ORDER.APPROVED',
  ...PAYPAL_DISPUTE_EVENT_TYPES,
] as const;
type PayPalEventType = (typeof PAYPAL_EVENT_TYPES)[number];

export function eventType(type: PayPalEventType): WebhookEventType {
  switch (type) {
    case 'PAYMENT.AUTHORIZATION.CREATED':
      return 'payment.authorized';
    case 'PAYMENT.AUTHORIZATION.VOIDED':
      return 'payment.voided';
    case 'PAYMENT.CAPTURE.COMPLETED':
      return 'payment.captured';
    case 'PAYMENT.CAPTURE.DECLINED':
    case 'PAYMENT.CAPTURE.DENIED':
      return 'payment.failed';
    case 'PAYMENT.CAPTURE.REFUNDED':
      return 'refund.succeeded';
    case 'PAYMENT.CAPTURE.PENDING':
    case 'PAYMENT.CAPTURE.REVERSED':
    case 'CHECKOUT.ORDER.APPROVED':
    case 'CUSTOMER.DISPUTE.CREATED':
    case 'CUSTOMER.DISPUTE.UPDATED':
    case 'CUSTOMER.DISPUTE.RESOLVED':
      return 'other';
  }
}

/** The headers a delivery's signature is made of (PayPal sends them in this case-insensitive form). */
export const PAYPAL_SIGNATURE_HEADERS = [
  'paypal-transmission-id',
  'paypal-transmission-time',
  'paypal-transmission-sig',
  'paypal-cert-url',
  'paypal-auth-algo',
] as const;

const invalid = (detail: string) => new GatewayError('invalid_request', { param: 'signature', detail });

/**
 * Verifies deliveries locally with PayPal's certificate: no extra API round trip per event and
 * the raw body is what is checked. The certificate is fetched only from PayPal's own HTTPS hosts
 * (or, for a test connection pointed at a sandbox, from that sandbox) and cached by URL.
 */
export class PayPalWebhookVerifier {
  private readonly keys = new Map<string, Promise<KeyObject>>();

  constructor(private readonly toleranceSeconds: number) {}

  certificateAllowed(certUrl: string, endpoint: ResolvedEndpoint): boolean {
    let url: URL;
    try {
      url = new URL(certUrl);
    } catch {
      return false;
    }
    if (!endpoint.official) return `${url.protocol}//${url.host}` === endpoint.origin;
    return (
      url.protocol === 'https:' && (url.hostname === 'paypal.com' || url.hostname.endsWith('.paypal.com'))
    );
  }

  async verify(
    rawBody: Buffer,
    headers: Readonly<Record<string, string | undefined>>,
    webhookId: string | undefined,
    endpoint: ResolvedEndpoint,
  ): Promise<GatewayWebhookEvent[]> {
    const transmissionId = headers['paypal-transmission-id'];
    const transmissionTime = headers['paypal-transmission-time'];
    const signature = headers['paypal-transmission-sig'];
    const certUrl = headers['paypal-cert-url'];
    const algorithm = headers['paypal-auth-algo'];
    if (!transmissionId || !transmissionTime || !signature || !certUrl || !algorithm)
      throw invalid(
        'missing PAYPAL-TRANSMISSION-ID, -TIME, -SIG, PAYPAL-CERT-URL or PAYPAL-AUTH-ALGO header',
      );
    if (algorithm !== 'SHA256withRSA') throw invalid(`PAYPAL-AUTH-ALGO ${algorithm} is not SHA256withRSA`);
    if (!webhookId)
      throw new GatewayError('invalid_request', {
        param: 'webhookId',
        detail: 'the connection has no webhookId: register the webhook first',
      });
    if (!this.certificateAllowed(certUrl, endpoint))
      throw invalid(`PAYPAL-CERT-URL ${certUrl} is not a PayPal certificate host`);
    const sentAt = Date.parse(transmissionTime);
    if (!Number.isFinite(sentAt)) throw invalid('PAYPAL-TRANSMISSION-TIME is not a date');
    if (Math.abs(Date.now() - sentAt) > this.toleranceSeconds * 1000)
      throw invalid(`PAYPAL-TRANSMISSION-TIME is outside the ${this.toleranceSeconds} s tolerance`);
    const key = await this.publicKey(certUrl, endpoint);
    const message = `${transmissionId}|${transmissionTime}|${webhookId}|${crc32(rawBody)}`;
    let ok = false;
    try {
      ok = createVerify('RSA-SHA256').update(message).verify(key, signature, 'base64');
    } catch {
      ok = false;
    }
    if (!ok) throw invalid('PAYPAL-TRANSMISSION-SIG does not match the body and webhook id');
    return [parseEvent(rawBody)];
  }

  private publicKey(certUrl: string, endpoint: ResolvedEndpoint): Promise<KeyObject> {
    let key = this.keys.get(certUrl);
    if (!key) {
      key = download(certUrl, endpoint).then((pem) => {
        const cert = new X509Certificate(pem);
        const now = Date.now();
        if (Date.parse(cert.validFrom) > now || Date.parse(cert.validTo) < now)
          throw invalid('the PayPal certificate is not valid now');
        return cert.publicKey;
      });
      key.catch(() => this.keys.delete(certUrl));
      this.keys.set(certUrl, key);
    }
    return key;
  }
}

function download(certUrl: string, endpoint: ResolvedEndpoint): Promise<string> {
  return new Promise((resolve, reject) => {
    const url = new URL(certUrl);
    const get = url.protocol === 'http:' && !endpoint.official ? httpRequest : httpsRequest;
    const req = get(url, { method: 'GET', timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        res.statusCode === 200
          ? resolve(Buffer.concat(chunks).toString('utf8'))
          : reject(invalid(`certificate download answered ${res.statusCode}`)),
      );
    });
    req.on('timeout', () =>
      req.destroy(new GatewayError('gateway_timeout', { detail: 'certificate download timed out' })),
    );
    req.on('error', (error) =>
      reject(
        error instanceof GatewayError
          ? error
          : new GatewayError('gateway_unavailable', {
              detail: `certificate download failed: ${error.message}`,
            }),
      ),
    );
    req.end();
  });
}

interface Envelope {
  id?: string;
  create_time?: string;
  event_type?: string;
  resource?: {
    id?: string;
    supplementary_data?: { related_ids?: { authorization_id?: string } };
    links?: { rel?: string; href?: string }[];
  };
}

function parseEvent(rawBody: Buffer): GatewayWebhookEvent {
  let event: Envelope;
  try {
    event = JSON.parse(rawBody.toString('utf8')) as Envelope;
  } catch {
    throw invalid('the body is not JSON');
  }
  if (!event.id || !event.event_type) throw invalid('the event has no id or event_type');
  const known = (PAYPAL_EVENT_TYPES as readonly string[]).includes(event.event_type);
  const resource = event.resource ?? {};
  const upAuthorization = /\/authorizations\/([^/?]+)/.exec(
    resource.links?.find((l) => l.rel === 'up')?.href ?? '',
  )?.[1];
  const reference = event.event_type.startsWith('PAYMENT.AUTHORIZATION.')
    ? resource.id
    : event.event_type.startsWith('PAYMENT.CAPTURE.') && event.event_type !== 'PAYMENT.CAPTURE.REFUNDED'
      ? (resource.supplementary_data?.related_ids?.authorization_id ?? upAuthorization)
      : undefined;
  // A dispute names its capture; the gateway turns that into the authorization (see verifyWebhook).
  const dispute = event.event_type.startsWith('CUSTOMER.DISPUTE.')
    ? (event.resource as PayPalDisputeWire | undefined)
    : undefined;
  const disputeReference = dispute ? disputedCapture(dispute) : undefined;
  return {
    id: event.id,
    type: known ? eventType(event.event_type as PayPalEventType) : 'other',
    gatewayType: event.event_type,
    ...(reference ? { reference } : {}),
    ...(dispute
      ? { dispute: paypalDispute(dispute), ...(disputeReference ? { reference: disputeReference } : {}) }
      : {}),
    occurredAt: new Date(event.create_time ?? Date.now()),
  };
}

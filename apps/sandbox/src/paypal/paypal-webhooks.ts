import {
  createSign,
  createVerify,
  generateKeyPairSync,
  randomBytes,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { crc32 } from 'node:zlib';
import { postWebhook, type WebhookPostResult } from '../kit';
import { selfSignedCertificate } from './x509';

export interface WebhookEnvelope {
  id: string;
  event_version: string;
  create_time: string;
  resource_type: string;
  resource_version: string;
  event_type: string;
  summary: string;
  resource: Record<string, unknown>;
  links: { href: string; rel: string; method: string }[];
}

export interface SignedDelivery {
  headers: Record<string, string>;
  body: string;
}

export interface DeliveryRecord {
  webhookId: string;
  url: string;
  eventId: string;
  eventType: string;
  attempt: number;
  status?: number;
  error?: string;
}

/**
 * Signs deliveries the way PayPal does: RSA-SHA256 over
 * `transmissionId|transmissionTime|webhookId|crc32(body)` with a key whose X.509 certificate
 * is served at `certUrl`. The key pair and certificate are made when the sandbox starts.
 */
export class PayPalWebhookSigner {
  readonly certId = `CERT-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;
  readonly certificatePem: string;
  private readonly privateKey: KeyObject;

  constructor() {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.certificatePem = selfSignedCertificate(privateKey, {
      commonName: 'messageverificationcerts.sandbox.paypal.com',
      organization: 'Payrail PayPal sandbox',
    });
  }

  sign(
    body: string,
    webhookId: string,
    certUrl: string,
    at: Date = new Date(),
    transmissionId = `${randomBytes(4).toString('hex')}-${randomBytes(2).toString('hex')}-11ef-${randomBytes(2).toString('hex')}-${randomBytes(6).toString('hex')}`,
  ): SignedDelivery {
    const transmissionTime = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const message = `${transmissionId}|${transmissionTime}|${webhookId}|${crc32(Buffer.from(body, 'utf8'))}`;
    const signature = createSign('RSA-SHA256').update(message).sign(this.privateKey, 'base64');
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'paypal-transmission-id': transmissionId,
        'paypal-transmission-time': transmissionTime,
        'paypal-transmission-sig': signature,
        'paypal-cert-url': certUrl,
        'paypal-auth-algo': 'SHA256withRSA',
      },
    };
  }

  /** What `/v1/notifications/verify-webhook-signature` checks, given the event as JSON text. */
  verify(input: {
    transmissionId: string;
    transmissionTime: string;
    webhookId: string;
    body: string;
    signature: string;
  }): boolean {
    const message = `${input.transmissionId}|${input.transmissionTime}|${input.webhookId}|${crc32(Buffer.from(input.body, 'utf8'))}`;
    const key = new X509Certificate(this.certificatePem).publicKey;
    try {
      return createVerify('RSA-SHA256').update(message).verify(key, input.signature, 'base64');
    } catch {
      return false;
    }
  }
}

/** POSTs one delivery; resolves with the status or an error text, never rejects. */
export function postDelivery(
  url: string,
  delivery: SignedDelivery,
  timeoutMs = 5000,
): Promise<WebhookPostResult> {
  return postWebhook(
    url,
    { ...delivery.headers, 'user-agent': 'PayPal/AUHD-214.0-58843738' },
    delivery.body,
    {
      timeoutMs,
    },
  );
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  fail,
  GatewayError,
  succeed,
  type GatewayWebhookEvent,
  type Outcome,
  type WebhookEventType,
} from '@payrail/plugin-sdk';
import type { Square } from 'square';
import { SQUARE_DISPUTE_EVENT_TYPES, squareDispute, type SquareDisputeWire } from './square.disputes';
import { squareSdk } from './square.sdk';
import { refundStatus, toSnapshot } from './square.transformers';

export const SQUARE_SIGNATURE_HEADER = 'x-square-hmacsha256-signature';

/** Event types Payrail subscribes to when it registers a Square webhook. */
export const SQUARE_WEBHOOK_EVENT_TYPES = [
  'payment.created',
  'payment.updated',
  'refund.created',
  'refund.updated',
  ...SQUARE_DISPUTE_EVENT_TYPES,
];

/** Square signs base64(HMAC-SHA256(signature key, notification URL + raw body)); compared in constant time. */
export function verifySquareSignature(
  rawBody: Buffer,
  signature: string | undefined,
  signatureKey: string,
  notificationUrl: string,
): boolean {
  if (!signature) return false;
  const expected = createHmac('sha256', signatureKey)
    .update(Buffer.concat([Buffer.from(notificationUrl, 'utf8'), rawBody]))
    .digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

interface SquareEnvelope {
  merchant_id?: string;
  type?: string;
  event_id?: string;
  created_at?: string;
  data?: {
    type?: string;
    id?: string;
    object?: { payment?: unknown; refund?: unknown; dispute?: SquareDisputeWire };
  };
}

const PARSE_OPTIONS = {
  unrecognizedObjectKeys: 'passthrough',
  allowUnrecognizedUnionMembers: true,
  allowUnrecognizedEnumValues: true,
  skipValidation: true,
} as const;

function paymentEventType(payment: Square.Payment): WebhookEventType {
  switch (payment.status) {
    case 'APPROVED':
      return 'payment.authorized';
    case 'COMPLETED':
      return 'payment.captured';
    case 'CANCELED':
      return 'payment.voided';
    case 'FAILED':
      return 'payment.failed';
    default:
      return 'other';
  }
}

function refundEventType(refund: Square.PaymentRefund): WebhookEventType {
  const status = refundStatus(refund.status);
  switch (status) {
    case 'succeeded':
      return 'refund.succeeded';
    case 'failed':
      return 'refund.failed';
    case 'pending':
      return 'other';
  }
}

/** Reads one Square notification (already verified) into Payrail's normalized event. */
export function parseSquareEvent(rawBody: Buffer): Outcome<GatewayWebhookEvent[]> {
  let envelope: SquareEnvelope;
  try {
    envelope = JSON.parse(rawBody.toString('utf8')) as SquareEnvelope;
  } catch {
    return fail(
      new GatewayError('invalid_request', { detail: 'the webhook body is not JSON', param: 'body' }),
    );
  }
  if (!envelope?.event_id || !envelope.type)
    return fail(
      new GatewayError('invalid_request', {
        detail: 'the webhook body has no event_id or type',
        param: 'body',
      }),
    );
  const occurredAt = new Date(envelope.created_at ?? Date.now());
  const event: GatewayWebhookEvent = {
    id: envelope.event_id,
    type: 'other',
    gatewayType: envelope.type,
    occurredAt: Number.isNaN(occurredAt.getTime()) ? new Date() : occurredAt,
  };
  try {
    const object = envelope.data?.object;
    if (object?.payment) {
      const payment = squareSdk().serialization.Payment.parseOrThrow(object.payment, PARSE_OPTIONS);
      event.type = paymentEventType(payment);
      event.reference = payment.id;
      event.snapshot = toSnapshot(payment);
    } else if (object?.refund) {
      const refund = squareSdk().serialization.PaymentRefund.parseOrThrow(object.refund, PARSE_OPTIONS);
      event.type = refundEventType(refund);
      event.reference = refund.paymentId ?? undefined;
    } else if (object?.dispute) {
      event.dispute = squareDispute(object.dispute);
      event.reference = object.dispute.disputed_payment?.payment_id;
    }
  } catch (error) {
    return fail(
      new GatewayError('invalid_request', {
        detail: `the webhook's ${envelope.data?.type ?? 'object'} could not be read: ${(error as Error).message}`,
        param: 'body',
      }),
    );
  }
  return succeed([event]);
}

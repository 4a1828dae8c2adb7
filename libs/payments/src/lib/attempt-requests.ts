import type {
  AuthorizeRequest,
  CaptureRequest,
  Customer,
  GatewayCaptureRecord,
  RefundPart,
  RefundRequest,
  VoidRequest,
} from '@payrail/plugin-sdk';
import type { PaymentAttempt } from './entities/payment-attempt.entity';
import type { Payment } from './entities/payment.entity';
import type { PaymentStatus } from './payment-status';

/**
 * What an attempt stores of the request it sends (`payment_attempts.request`): everything the
 * gateway saw, so a retry under the same idempotency key sends the very same parameters. Never
 * a secret or raw card data: a payment reaches `authorize` with a token.
 */
export interface StoredRequests {
  authorize: {
    token: string;
    amount: number;
    currency: string;
    customer?: Customer;
    description?: string;
    metadata?: Record<string, string>;
    returnUrl?: string;
    /** A saved card: the gateway's customer it belongs to and whether the customer was absent. */
    savedMethod?: { customerReference: string; offSession: boolean };
  };
  capture: {
    reference: string;
    amount: number;
    currency: string;
    final: boolean;
    /** Where a capture the gateway refused leaves the payment. */
    statusBefore: PaymentStatus;
  };
  void: { reference: string };
  refund: {
    reference: string;
    amount: number;
    currency: string;
    refundId: string;
    reason?: string;
    captures: GatewayCaptureRecord[];
    /** The captures this refund was reserved against, on a gateway that refunds per capture. */
    parts?: RefundPart[];
  };
}

export type MoneyOperation = keyof StoredRequests;

export interface GatewayRequests {
  authorize: AuthorizeRequest;
  capture: CaptureRequest;
  void: VoidRequest;
  refund: RefundRequest;
}

/**
 * The gateway request an attempt sends, rebuilt from what it stored. Attempts written before
 * the request was stored in full fall back to the payment's own columns, which hold the same.
 */
export function gatewayRequestOf<O extends MoneyOperation>(
  operation: O,
  attempt: PaymentAttempt,
  payment: Payment,
): GatewayRequests[O] {
  const stored = attempt.request as Partial<StoredRequests[MoneyOperation]> & Record<string, unknown>;
  const ids = { attemptId: attempt.id, idempotencyKey: attempt.idempotencyKey };
  const reference = String(stored['reference'] ?? payment.gatewayReference ?? '');
  const currency = String(stored['currency'] ?? payment.currency);
  switch (operation as MoneyOperation) {
    case 'authorize': {
      const s = stored as Partial<StoredRequests['authorize']>;
      const legacy = s.customer === undefined && s.description === undefined && s.metadata === undefined;
      const customer = legacy ? customerOf(payment) : s.customer;
      const description = legacy ? (payment.description ?? undefined) : s.description;
      const metadata = legacy ? (payment.metadata ?? undefined) : s.metadata;
      const request: AuthorizeRequest = {
        paymentId: payment.id,
        ...ids,
        amount: { amount: s.amount ?? payment.amount, currency },
        token: String(s.token ?? payment.paymentMethodToken ?? ''),
        ...(customer ? { customer } : {}),
        ...(description !== undefined ? { description } : {}),
        ...(metadata ? { metadata } : {}),
        ...(s.returnUrl ? { returnUrl: s.returnUrl } : {}),
        ...(s.savedMethod ? { savedMethod: s.savedMethod } : {}),
      };
      return request as GatewayRequests[O];
    }
    case 'capture': {
      const s = stored as Partial<StoredRequests['capture']>;
      const request: CaptureRequest = {
        reference,
        ...ids,
        amount: { amount: s.amount ?? attempt.amount ?? payment.amountCapturable, currency },
        final: s.final !== false,
      };
      return request as GatewayRequests[O];
    }
    case 'void':
      return { reference, ...ids } as GatewayRequests[O];
    case 'refund': {
      const s = stored as Partial<StoredRequests['refund']>;
      const request: RefundRequest = {
        reference,
        ...ids,
        amount: { amount: s.amount ?? attempt.amount ?? 0, currency },
        ...(s.reason !== undefined ? { reason: s.reason } : {}),
        captures: s.captures ?? payment.captures,
        ...(s.parts ? { parts: s.parts } : {}),
      };
      return request as GatewayRequests[O];
    }
  }
}

function customerOf(payment: Payment): Customer | undefined {
  if (!payment.customerEmail && !payment.customerName) return undefined;
  return {
    ...(payment.customerEmail ? { email: payment.customerEmail } : {}),
    ...(payment.customerName ? { name: payment.customerName } : {}),
  };
}

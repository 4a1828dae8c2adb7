import { Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { SystemErrors } from '@payrail/database';
import { PaymentsService, type PaymentChange } from '@payrail/payments';
import type { EntityManager } from 'typeorm';
import { IssueRecorder, type Occurrence } from './issue-recorder';

/** The operation a failed status change was in, from the status it left. */
function operationOf(from: string): string {
  switch (from) {
    case 'requires_payment_method':
      return 'tokenize';
    case 'authorizing':
    case 'requires_action':
      return 'authorize';
    case 'capturing':
      return 'capture';
    default:
      return from;
  }
}

/** What a payment change says for the issue log, if anything. */
export function occurrenceOf(change: PaymentChange): Occurrence | null {
  const p = change.payment;
  const base = { gateway: p.gateway, paymentId: p.id, merchantId: p.merchantId };
  if (change.kind === 'payment' && change.to === 'failed') {
    const code = p.failureCode ?? 'card_declined';
    return {
      ...base,
      kind: 'payment_failure',
      operation: operationOf(change.from),
      code,
      gatewayCode: p.failureGatewayCode,
      title: `${code}${p.failureGatewayCode ? ` (${p.failureGatewayCode})` : ''} on ${p.gateway}`,
      detail: p.failureMessage,
    };
  }
  if (change.kind === 'payment' && change.to === 'unknown')
    return {
      ...base,
      kind: 'system_error',
      code: 'gateway_timeout',
      source: `gateway:${p.gateway}`,
      title: `${p.gateway} left a call in doubt (timeout or no answer)`,
    };
  if (change.kind === 'review_required')
    return {
      ...base,
      kind: 'system_error',
      code: 'recovery_gave_up',
      source: `gateway:${p.gateway}`,
      title: `Recovery gave up on ${p.gateway} payments: review needed`,
      detail: change.reason,
    };
  return null;
}

/**
 * Counts payment failures and calls left in doubt into the issue log, in the transaction that
 * records them, and the system errors other parts report (dead jobs and deliveries, refused
 * webhook signatures) as they are reported.
 */
@Injectable()
export class IssueFeed implements OnModuleInit {
  constructor(
    private readonly payments: PaymentsService,
    private readonly recorder: IssueRecorder,
    @Optional() private readonly systemErrors?: SystemErrors,
  ) {}

  onModuleInit(): void {
    this.systemErrors?.subscribe((e) =>
      this.recorder.recordQuietly({
        kind: 'system_error',
        code: e.kind,
        source: e.source,
        title: e.title,
        detail: e.detail,
        merchantId: e.merchantId,
        paymentId: e.paymentId,
      }),
    );
    this.payments.changes.subscribe(async (m: EntityManager, change: PaymentChange) => {
      const occurrence = occurrenceOf(change);
      if (occurrence) await this.recorder.record(occurrence, m);
    });
  }
}

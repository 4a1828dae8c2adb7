import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import { insertRow, newId } from '@payrail/database';
import type { GatewayError } from '@payrail/plugin-sdk';
import { PaymentAttempt } from './entities/payment-attempt.entity';
import { PaymentEvent } from './entities/payment-event.entity';
import type { Payment } from './entities/payment.entity';

/** A payment's timeline, the history support reads: state changes, gateway calls, recovery, webhooks. */
@Injectable()
export class PaymentTimeline {
  constructor(@InjectRepository(PaymentEvent) private readonly events: Repository<PaymentEvent>) {}

  list(paymentId: string): Promise<PaymentEvent[]> {
    return this.events.find({ where: { paymentId }, order: { id: 'ASC' } });
  }

  async add(m: EntityManager, payment: Payment, event: Partial<PaymentEvent>): Promise<void> {
    await insertRow(m, PaymentEvent, {
      id: newId('pev'),
      paymentId: payment.id,
      fromStatus: null,
      toStatus: null,
      operation: null,
      attemptId: null,
      outcome: null,
      latencyMs: null,
      errorCode: null,
      message: null,
      data: null,
      ...event,
    } as never);
  }

  /** Settles the attempt's own row with the call's outcome and puts the call on the timeline. */
  async recordCall(
    m: EntityManager,
    payment: Payment,
    attempt: PaymentAttempt,
    outcome: { ok: true } | { ok: false; error: GatewayError },
    latencyMs: number | null,
  ): Promise<void> {
    const error = outcome.ok ? null : outcome.error;
    attempt.status = outcome.ok ? 'succeeded' : error?.indeterminate ? 'unknown' : 'failed';
    attempt.errorCode = error?.code ?? null;
    attempt.errorMessage = error?.message.slice(0, 500) ?? null;
    attempt.gatewayCode = error?.gatewayCode ?? null;
    attempt.gatewayRequestId = error?.gatewayRequestId ?? null;
    attempt.latencyMs = latencyMs ?? attempt.latencyMs;
    attempt.finishedAt = attempt.status === 'unknown' ? null : new Date();
    if (attempt.status !== 'unknown') attempt.nextRecoveryAt = null;
    await m.save(attempt);
    await this.add(m, payment, {
      type: 'gateway_call',
      operation: attempt.operation,
      attemptId: attempt.id,
      outcome: attempt.status,
      latencyMs,
      errorCode: error?.code ?? null,
      message: error
        ? (error.userMessage === error.message
            ? error.userMessage
            : `${error.userMessage} (${error.message})`
          ).slice(0, 500)
        : null,
      data: error?.gatewayCode
        ? { gateway_code: error.gatewayCode, gateway_request_id: error.gatewayRequestId ?? null }
        : null,
    });
  }
}

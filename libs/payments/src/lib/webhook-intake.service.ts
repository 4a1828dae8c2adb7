import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import { TransactionRunner } from '@payrail/database';
import { ConnectionService } from '@payrail/gateways';
import type { GatewayPaymentSnapshot, GatewayWebhookEvent } from '@payrail/plugin-sdk';
import { Payment } from './entities/payment.entity';
import { fromGatewayStatus, statusRank } from './payment-status';
import { PaymentsService } from './payments.service';

export interface WebhookResult {
  received: number;
  applied: number;
}

/**
 * Verifies a gateway's webhook with its plugin and applies what it says to the payment: only
 * forward (a late, older event never moves a payment backwards), and an in-doubt payment
 * takes the gateway's word.
 */
@Injectable()
export class WebhookIntakeService {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly tx: TransactionRunner,
    private readonly connections: ConnectionService,
    private readonly payments: PaymentsService,
    @InjectRepository(Payment) private readonly paymentRows: Repository<Payment>,
  ) {}

  async receive(connectionId: string, rawBody: Buffer, headers: Record<string, string | undefined>, url: string): Promise<WebhookResult> {
    const record = await this.connections.findById(connectionId);
    if (!record) throw ApiError.notFound('connection', connectionId);
    const gateway = this.connections.gatewayFor(record);
    const connection = await this.connections.toGatewayConnection(record);
    const verified = await gateway.verifyWebhook(connection, { rawBody, headers, url });
    if (!verified.ok) {
      this.logger.warn(`refused a ${record.gateway} webhook for ${record.id}: ${verified.error.message}`);
      throw new ApiError(400, { type: 'invalid_request_error', code: 'webhook_signature_invalid', message: `the webhook could not be verified: ${verified.error.message}`, param: 'signature' });
    }
    let applied = 0;
    // An event that doesn't carry the payment's state is a prompt to ask the gateway for it.
    const snapshotOf = async (reference: string) => {
      const synced = await gateway.sync(connection, { reference });
      return synced.ok ? synced.value : undefined;
    };
    for (const event of verified.value) if (await this.apply(record.id, event, snapshotOf)) applied++;
    return { received: verified.value.length, applied };
  }

  private async apply(connectionId: string, event: GatewayWebhookEvent, snapshotOf: (reference: string) => Promise<GatewayPaymentSnapshot | undefined>): Promise<boolean> {
    if (!event.reference) return false;
    const found = await this.paymentRows.findOneBy({ connectionId, gatewayReference: event.reference });
    if (!found) return false;
    const snapshot = event.snapshot ?? (await snapshotOf(event.reference));
    if (!snapshot) return false;
    return this.tx.run(async (m) => {
      const payment = await this.payments.lockPayment(m, found.id);
      const next = fromGatewayStatus(snapshot.status);
      const forward = payment.status === 'unknown' ? next !== 'authorizing' : statusRank(next) > statusRank(payment.status);
      await this.payments.addEvent(m, payment, {
        type: 'webhook',
        outcome: forward ? 'applied' : 'ignored',
        message: `${event.gatewayType} (${event.id})${forward ? '' : `: ignored, the payment is already ${payment.status}`}`,
        data: { gateway_event_id: event.id, gateway_event_type: event.gatewayType },
      });
      if (!forward) return false;
      await this.payments.applySnapshot(m, payment, snapshot, { keepRefunds: true });
      return true;
    });
  }
}

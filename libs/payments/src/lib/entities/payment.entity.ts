import { Column, Entity, Index, VersionColumn } from 'typeorm';
import { BaseRecord, moneyColumn } from '@payrail/database';
import type { GatewayCaptureRecord, NextAction } from '@payrail/plugin-sdk';
import type { PaymentStatus } from '../payment-status';

export interface PaymentDisputeSummary {
  id: string;
  amount: number;
  currency: string;
  reason: string;
  status: 'needs_response' | 'under_review' | 'won' | 'lost';
  evidence_due_by: string | null;
}

@Entity('payments')
@Index(['merchantId', 'id'])
@Index(['merchantId', 'status'])
export class Payment extends BaseRecord {
  @Column({ name: 'merchant_id', type: 'varchar', length: 40 })
  merchantId!: string;

  @Column({ name: 'connection_id', type: 'varchar', length: 40 })
  connectionId!: string;

  @Column({ type: 'varchar', length: 40 })
  gateway!: string;

  @Column({ type: 'varchar', length: 8 })
  mode!: 'test' | 'live';

  @Column({ type: 'varchar', length: 32 })
  status!: PaymentStatus;

  @Column(moneyColumn('amount'))
  amount!: number;

  @Column({ type: 'varchar', length: 3 })
  currency!: string;

  @Column(moneyColumn('amount_capturable'))
  amountCapturable!: number;

  @Column(moneyColumn('amount_captured'))
  amountCaptured!: number;

  @Column(moneyColumn('amount_refunded'))
  amountRefunded!: number;

  /** Refunds sent to the gateway whose outcome is not known yet: reserved so concurrent refunds can't exceed the captured amount. */
  @Column(moneyColumn('amount_refund_pending'))
  amountRefundPending!: number;

  @Column({ name: 'capture_method', type: 'varchar', length: 16 })
  captureMethod!: 'automatic' | 'manual';

  @Column({ name: 'gateway_reference', type: 'varchar', length: 200, nullable: true })
  gatewayReference!: string | null;

  /** The gateway token the payment was authorized with (never a card number). */
  @Column({ name: 'payment_method_token', type: 'varchar', length: 300, nullable: true })
  paymentMethodToken!: string | null;

  @Column({ name: 'card_brand', type: 'varchar', length: 32, nullable: true })
  cardBrand!: string | null;

  /** The merchant's customer, when the payment used a card saved for one. */
  @Column({ name: 'customer_id', type: 'varchar', length: 40, nullable: true })
  customerId!: string | null;

  @Column({ name: 'saved_payment_method_id', type: 'varchar', length: 40, nullable: true })
  savedPaymentMethodId!: string | null;

  /** The payment's dispute as last reported (the `disputes` row is the record); the status is unchanged by it. */
  @Column({ type: 'simple-json', nullable: true })
  dispute!: PaymentDisputeSummary | null;

  @Column({ name: 'card_last4', type: 'varchar', length: 4, nullable: true })
  cardLast4!: string | null;

  @Column({ name: 'customer_email', type: 'varchar', length: 320, nullable: true })
  customerEmail!: string | null;

  @Column({ name: 'customer_name', type: 'varchar', length: 200, nullable: true })
  customerName!: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  description!: string | null;

  @Column({ type: 'simple-json', nullable: true })
  metadata!: Record<string, string> | null;

  @Column({ name: 'failure_code', type: 'varchar', length: 40, nullable: true })
  failureCode!: string | null;

  @Column({ name: 'failure_message', type: 'varchar', length: 500, nullable: true })
  failureMessage!: string | null;

  @Column({ name: 'failure_gateway_code', type: 'varchar', length: 100, nullable: true })
  failureGatewayCode!: string | null;

  @Column({ name: 'next_action', type: 'simple-json', nullable: true })
  nextAction!: NextAction | null;

  /** Captures as the gateway reported them; refunds on per-capture gateways need them. */
  @Column({ type: 'simple-json' })
  captures!: GatewayCaptureRecord[];

  /** An operation sent to the gateway and not yet settled ('capture', 'void'); guards against concurrent ones. */
  @Column({ name: 'in_flight', type: 'varchar', length: 16, nullable: true })
  inFlight!: string | null;

  /** Set when recovery gave up: a person has to look. */
  @Column({ name: 'needs_review', type: 'boolean', default: false })
  needsReview!: boolean;

  @VersionColumn()
  version!: number;
}

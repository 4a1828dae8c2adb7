import { Column, Entity, Index } from 'typeorm';
import { BaseRecord, moneyColumn } from '@payrail/database';

/**
 * Where a session stands of its own: `open` takes a card, `processing` while a confirm runs (or
 * its payment waits on the customer or on recovery), `complete` once its payment is authorized or
 * captured. Expiry is read from `expiresAt`, never written.
 */
export type PaymentSessionState = 'open' | 'processing' | 'complete';

/** A payment a customer's browser completes: the merchant's server sets amount and connection, the browser only adds a token. */
@Entity('payment_sessions')
@Index(['merchantId', 'id'])
export class PaymentSession extends BaseRecord {
  @Column({ name: 'merchant_id', type: 'varchar', length: 40 })
  merchantId!: string;

  @Column({ type: 'varchar', length: 8 })
  mode!: 'test' | 'live';

  @Column({ name: 'connection_id', type: 'varchar', length: 40 })
  connectionId!: string;

  @Column({ type: 'varchar', length: 40 })
  gateway!: string;

  @Column(moneyColumn('amount'))
  amount!: number;

  @Column({ type: 'varchar', length: 3 })
  currency!: string;

  @Column({ name: 'capture_method', type: 'varchar', length: 16 })
  captureMethod!: 'automatic' | 'manual';

  @Column({ name: 'customer_email', type: 'varchar', length: 320, nullable: true })
  customerEmail!: string | null;

  @Column({ name: 'customer_name', type: 'varchar', length: 200, nullable: true })
  customerName!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  description!: string | null;

  @Column({ type: 'simple-json', nullable: true })
  metadata!: Record<string, string> | null;

  @Column({ name: 'return_url', type: 'varchar', length: 2048, nullable: true })
  returnUrl!: string | null;

  /** SHA-256 of the client secret, hex: the secret itself is shown once, at creation. */
  @Column({ name: 'client_secret_hash', type: 'varchar', length: 64 })
  clientSecretHash!: string;

  @Column({ type: 'varchar', length: 16 })
  state!: PaymentSessionState;

  /** SHA-256 of the token the running (or last) confirm was given, so a repeat of the same confirm is recognised. */
  @Column({ name: 'token_hash', type: 'varchar', length: 64, nullable: true })
  tokenHash!: string | null;

  /** The latest payment a confirm made (a declined one is kept until the customer tries another card). */
  @Column({ name: 'payment_id', type: 'varchar', length: 40, nullable: true })
  paymentId!: string | null;

  /** How many confirms took a card: each made one payment. */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;
}

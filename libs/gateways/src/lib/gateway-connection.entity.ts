import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';
import type { ConnectionMode, CredentialCheck } from '@payrail/plugin-sdk';

/**
 * A merchant's connection to one gateway in one mode. Secret values are sealed (envelope
 * encryption) in `secretValues`; only masked hints are ever returned.
 */
@Entity('gateway_connections')
@Index(['merchantId', 'gateway'])
export class GatewayConnectionRecord extends BaseRecord {
  @Column({ name: 'merchant_id', type: 'varchar', length: 40 })
  merchantId!: string;

  @Column({ type: 'varchar', length: 40 })
  gateway!: string;

  @Column({ type: 'varchar', length: 8 })
  mode!: ConnectionMode;

  @Column({ type: 'varchar', length: 200, default: '' })
  name!: string;

  /** The merchant's connection for payments that name neither a gateway nor a connection. */
  @Column({ name: 'is_default', type: 'boolean', default: false })
  isDefault!: boolean;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /** A test connection's sandbox URL; null for the gateway's own host. */
  @Column({ name: 'base_url', type: 'varchar', length: 500, nullable: true })
  baseUrl!: string | null;

  @Column({ name: 'public_values', type: 'simple-json' })
  publicValues!: Record<string, string>;

  /** Sealed JSON of the secret values. */
  @Column({ name: 'secret_values', type: 'text' })
  secretValues!: string;

  /** Masked hints of the secret values (last four characters), safe to show. */
  @Column({ name: 'secret_hints', type: 'simple-json' })
  secretHints!: Record<string, string>;

  @Column({ name: 'credential_check', type: 'simple-json', nullable: true })
  credentialCheck!: (CredentialCheck & { checkedAt: string }) | null;
}

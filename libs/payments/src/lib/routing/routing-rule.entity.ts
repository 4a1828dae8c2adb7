import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

/** What a payment must have for a rule to apply; an absent field matches everything. */
export interface RoutingConditions {
  /** Lower-case ISO 4217 codes. */
  currency?: string[];
  /** Minor units, inclusive. */
  amount_gte?: number;
  amount_lte?: number;
  /** Card brands (`visa`, `mastercard`, …) where the card is known. */
  card_brand?: string[];
  /** ISO 3166 alpha-2 countries of the card's BIN, where known. */
  bin_country?: string[];
  /** Metadata keys the payment must carry: a value to equal, or null for "present". */
  metadata?: Record<string, string | null>;
  mode?: 'test' | 'live';
}

/** One of a merchant's ordered routing rules: the first that matches gives the connections to try, in order. */
@Entity('routing_rules')
@Index(['merchantId', 'position'])
export class RoutingRule extends BaseRecord {
  @Column({ name: 'merchant_id', type: 'varchar', length: 40 })
  merchantId!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'integer' })
  position!: number;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ type: 'simple-json' })
  conditions!: RoutingConditions;

  @Column({ name: 'connection_ids', type: 'simple-json' })
  connectionIds!: string[];
}

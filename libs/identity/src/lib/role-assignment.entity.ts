import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

export const ROLES = ['owner', 'admin', 'platform_engineer', 'finance', 'support', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** A user's role for one merchant, or for all merchants when `merchantId` is null. */
@Entity('role_assignments')
export class RoleAssignment extends BaseRecord {
  @Index()
  @Column({ name: 'user_id', type: 'varchar', length: 40 })
  userId!: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 40, nullable: true })
  merchantId!: string | null;

  @Column({ type: 'varchar', length: 32 })
  role!: Role;
}

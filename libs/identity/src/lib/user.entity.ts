import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

export type UserStatus = 'active' | 'disabled';

/** A console user. Passwords are argon2id hashes. */
@Entity('users')
export class User extends BaseRecord {
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 320 })
  email!: string;

  @Column({ type: 'varchar', length: 200, default: '' })
  name!: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 200 })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: UserStatus;
}

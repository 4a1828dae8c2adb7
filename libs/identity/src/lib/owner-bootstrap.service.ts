import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import { DataSource } from 'typeorm';
import { newId } from '@payrail/database';
import { RoleAssignment } from './role-assignment.entity';
import { User } from './user.entity';

export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const;

export interface FirstOwner {
  email: string;
  /** Set only when Payrail generated the password: it is printed once and never stored in clear. */
  generatedPassword?: string;
}

@Injectable()
export class OwnerBootstrapService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** On an empty user table, creates the first owner (across all merchants); otherwise does nothing. */
  async ensureFirstOwner(email = 'owner@payrail.local', password?: string): Promise<FirstOwner | null> {
    return this.dataSource.transaction(async (manager) => {
      if ((await manager.count(User)) > 0) return null;
      const generatedPassword = password ? undefined : randomBytes(18).toString('base64url');
      const user = manager.create(User, {
        id: newId('usr'),
        email: email.toLowerCase(),
        name: 'Owner',
        passwordHash: await argon2.hash(password ?? (generatedPassword as string), ARGON2_OPTIONS),
        status: 'active',
      });
      await manager.save(user);
      await manager.save(
        manager.create(RoleAssignment, {
          id: newId('rol'),
          userId: user.id,
          merchantId: null,
          role: 'owner',
        }),
      );
      return { email: user.email, generatedPassword };
    });
  }
}

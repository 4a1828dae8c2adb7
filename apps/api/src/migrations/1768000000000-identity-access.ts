import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { baseColumns, columnTypes } from '@payrail/database';

/** Console sessions, and the users' lockout, password history and MFA columns. */
export class IdentityAccess1768000000000 implements MigrationInterface {
  name = 'IdentityAccess1768000000000';

  async up(q: QueryRunner): Promise<void> {
    const t = columnTypes(q);
    await q.addColumns('users', [
      new TableColumn({ name: 'password_history', type: 'text', isNullable: true }),
      new TableColumn({ name: 'password_changed_at', type: t.timestamp, isNullable: true }),
      new TableColumn({ name: 'failed_logins', type: 'integer', default: 0 }),
      new TableColumn({ name: 'locked_until', type: t.timestamp, isNullable: true }),
      new TableColumn({ name: 'last_login_at', type: t.timestamp, isNullable: true }),
      new TableColumn({ name: 'reset_token_hash', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'reset_expires_at', type: t.timestamp, isNullable: true }),
      new TableColumn({ name: 'mfa_secret', type: 'text', isNullable: true }),
      new TableColumn({ name: 'mfa_pending_secret', type: 'text', isNullable: true }),
      new TableColumn({ name: 'mfa_enabled_at', type: t.timestamp, isNullable: true }),
      new TableColumn({ name: 'mfa_last_step', type: 'integer', isNullable: true }),
      new TableColumn({ name: 'recovery_codes', type: 'text', isNullable: true }),
    ]);
    await q.createTable(
      new Table({
        name: 'console_sessions',
        columns: [
          ...baseColumns(q),
          { name: 'token_hash', type: 'varchar', length: '64' },
          { name: 'user_id', type: 'varchar', length: '40' },
          { name: 'csrf_token', type: 'varchar', length: '64' },
          { name: 'mfa_verified', type: 'boolean', default: false },
          { name: 'last_seen_at', type: t.timestamp },
          { name: 'expires_at', type: t.timestamp },
          { name: 'revoked_at', type: t.timestamp, isNullable: true },
          { name: 'revoked_reason', type: 'varchar', length: '40', isNullable: true },
          { name: 'ip', type: 'varchar', length: '64', isNullable: true },
          { name: 'user_agent', type: 'varchar', length: '300', isNullable: true },
        ],
        indices: [
          new TableIndex({ columnNames: ['token_hash'], isUnique: true }),
          new TableIndex({ columnNames: ['user_id'] }),
        ],
      }),
      true,
    );
    await q.createIndex(
      'role_assignments',
      new TableIndex({ name: 'IDX_role_assignments_merchant_id', columnNames: ['merchant_id'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('role_assignments', 'IDX_role_assignments_merchant_id');
    await q.dropTable('console_sessions', true);
    for (const column of [
      'password_history',
      'password_changed_at',
      'failed_logins',
      'locked_until',
      'last_login_at',
      'reset_token_hash',
      'reset_expires_at',
      'mfa_secret',
      'mfa_pending_secret',
      'mfa_enabled_at',
      'mfa_last_step',
      'recovery_codes',
    ]) {
      await q.dropColumn('users', column);
    }
  }
}

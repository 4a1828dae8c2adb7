import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  defineAbilityFor,
  MFA_REQUIRED_ROLES,
  permissionMatrixMarkdown,
  policyObject,
  roleAllows,
} from './policy';
import { ROLES } from './role-assignment.entity';

function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) dir = dirname(dir);
  return dir;
}

describe('permission matrix', () => {
  it('is the table the README documents', () => {
    const readme = readFileSync(join(repositoryRoot(), 'README.md'), 'utf8');
    const table = /<!-- permission-matrix:start -->\n([\s\S]*?)\n<!-- permission-matrix:end -->/.exec(
      readme,
    )?.[1];
    // Compared cell by cell, so a Markdown formatter padding the columns does not matter.
    const cells = (markdown: string | undefined) =>
      (markdown ?? '')
        .split('\n')
        .map((line) => line.split('|').map((cell) => cell.trim().replace(/^-+$/, '---')));
    expect(cells(table)).toEqual(cells(permissionMatrixMarkdown()));
  });

  it('gives an owner everything and a support agent reading only', () => {
    expect(roleAllows('owner', 'delete', 'Merchant')).toBe(true);
    expect(roleAllows('support', 'read', 'Payment')).toBe(true);
    expect(roleAllows('support', 'refund', 'Payment')).toBe(false);
    expect(roleAllows('finance', 'refund', 'Payment')).toBe(true);
    expect(roleAllows('auditor', 'verify', 'AuditEntry')).toBe(true);
    expect(roleAllows('admin', 'verify', 'AuditEntry')).toBe(false);
    expect(roleAllows('platform_engineer', 'read', 'User')).toBe(false);
  });

  it('opens the test-mode virtual terminal to owners, admins and platform engineers only', () => {
    const allowed = ROLES.filter((role) => roleAllows(role, 'create', 'Terminal'));
    expect(allowed).toEqual(['owner', 'admin', 'platform_engineer']);
    // Taking a real payment stays with merchants' servers (API keys) and owners.
    expect(ROLES.filter((role) => roleAllows(role, 'create', 'Payment'))).toEqual(['owner']);
  });

  it('requires MFA of owners, admins and platform engineers', () => {
    expect([...MFA_REQUIRED_ROLES].sort()).toEqual(['admin', 'owner', 'platform_engineer']);
  });

  it('scopes a merchant role to that merchant and a global role to all', () => {
    const scoped = defineAbilityFor([
      { role: 'finance', merchantId: 'mer_a' },
      { role: 'support', merchantId: 'mer_b' },
    ]);
    expect(scoped.can('refund', policyObject('Payment', 'mer_a'))).toBe(true);
    expect(scoped.can('refund', policyObject('Payment', 'mer_b'))).toBe(false);
    expect(scoped.can('read', policyObject('Payment', 'mer_b'))).toBe(true);
    expect(scoped.can('read', policyObject('Payment', 'mer_c'))).toBe(false);
    const global = defineAbilityFor([{ role: 'auditor', merchantId: null }]);
    expect(global.can('export', policyObject('AuditEntry', 'mer_anything'))).toBe(true);
    expect(global.can('update', 'User')).toBe(false);
  });
});

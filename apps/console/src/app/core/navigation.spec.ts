import { createMongoAbility } from '@casl/ability';
import type { AdminAbilityRule } from '@payrail/api-contract';
import { visibleNavigation } from './navigation';

const navFor = (rules: AdminAbilityRule[]) => {
  const ability = createMongoAbility(rules);
  return visibleNavigation((action, subject) => ability.can(action, subject)).map((item) => item.label);
};

describe('navigation built from abilities', () => {
  it('shows an owner every page', () => {
    expect(
      navFor([
        { action: 'manage', subject: 'Payment' },
        ...(['Dashboard', 'Connection', 'User', 'ApiKey', 'AuditEntry'] as const).map((subject) => ({
          action: 'manage' as const,
          subject,
        })),
      ]),
    ).toEqual([
      'Dashboard',
      'Payments',
      'Virtual terminal',
      'Gateways',
      'Users and roles',
      'API keys',
      'Audit log',
    ]);
  });

  it('shows support payments but no gateways, users, keys or audit', () => {
    const support: AdminAbilityRule[] = [
      { action: 'read', subject: 'Payment' },
      { action: 'read', subject: 'Refund' },
      { action: 'read', subject: 'Dashboard' },
      { action: 'read', subject: 'Merchant' },
    ];
    expect(navFor(support)).toEqual(['Dashboard', 'Payments']);
  });

  it('counts a grant scoped to one merchant as access to the page', () => {
    expect(navFor([{ action: 'read', subject: 'AuditEntry', conditions: { merchant_id: 'mer_1' } }])).toEqual(
      ['Audit log'],
    );
  });

  it('shows nothing without abilities', () => {
    expect(navFor([])).toEqual([]);
  });
});

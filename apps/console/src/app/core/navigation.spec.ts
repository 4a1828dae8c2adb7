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
        ...(
          ['Dashboard', 'Terminal', 'Connection', 'User', 'ApiKey', 'AuditEntry', 'WebhookEndpoint'] as const
        ).map((subject) => ({
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
      'Webhooks',
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
    // With the matrix's read on deliveries and the inbox, the Webhooks page (those two sections).
    expect(
      navFor([
        ...support,
        { action: 'read', subject: 'WebhookDelivery' },
        { action: 'read', subject: 'InboxEvent' },
      ]),
    ).toEqual(['Dashboard', 'Payments', 'Webhooks']);
  });

  it('shows the virtual terminal to a platform engineer, not to finance', () => {
    const platformEngineer: AdminAbilityRule[] = [
      { action: 'read', subject: 'Payment' },
      { action: 'read', subject: 'Dashboard' },
      { action: 'manage', subject: 'Connection' },
      { action: 'create', subject: 'Terminal' },
    ];
    expect(navFor(platformEngineer)).toEqual(['Dashboard', 'Payments', 'Virtual terminal', 'Gateways']);
    const finance: AdminAbilityRule[] = [
      { action: 'refund', subject: 'Payment' },
      { action: 'read', subject: 'Payment' },
      { action: 'read', subject: 'Dashboard' },
      { action: 'read', subject: 'Connection' },
    ];
    expect(navFor(finance)).toEqual(['Dashboard', 'Payments', 'Gateways']);
  });

  it('shows the monitoring page to the roles that read gateway health, alerts or routing', () => {
    const reads = (['Monitoring', 'Alert', 'RoutingRule'] as const).map((subject) => ({
      action: 'read' as const,
      subject,
    }));
    expect(navFor([{ action: 'read', subject: 'Dashboard' }, ...reads])).toEqual(['Dashboard', 'Monitoring']);
    expect(navFor([{ action: 'read', subject: 'Alert' }])).toEqual(['Monitoring']);
    expect(navFor([{ action: 'read', subject: 'Connection' }])).toEqual(['Gateways']);
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

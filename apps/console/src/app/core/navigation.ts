/** The console's pages; the shell shows those whose ability the signed-in user has. */
export interface NavItem {
  path: string;
  label: string;
  action: string;
  subject: string;
  /** Shown when any of these is allowed too (a page with sections for several subjects). */
  anyOf?: ReadonlyArray<{ action: string; subject: string }>;
}

export const NAVIGATION: readonly NavItem[] = [
  { path: '/dashboard', label: 'Dashboard', action: 'read', subject: 'Dashboard' },
  { path: '/payments', label: 'Payments', action: 'read', subject: 'Payment' },
  { path: '/customers', label: 'Customers', action: 'read', subject: 'Customer' },
  { path: '/disputes', label: 'Disputes', action: 'read', subject: 'Dispute' },
  { path: '/reports', label: 'Reports', action: 'read', subject: 'Report' },
  { path: '/reconciliation', label: 'Reconciliation', action: 'read', subject: 'Reconciliation' },
  { path: '/terminal', label: 'Virtual terminal', action: 'create', subject: 'Terminal' },
  { path: '/gateways', label: 'Gateways', action: 'read', subject: 'Connection' },
  { path: '/users', label: 'Users and roles', action: 'read', subject: 'User' },
  { path: '/api-keys', label: 'API keys', action: 'read', subject: 'ApiKey' },
  { path: '/audit', label: 'Audit log', action: 'read', subject: 'AuditEntry' },
  { path: '/kb', label: 'Knowledge base', action: 'read', subject: 'KbArticle' },
  { path: '/issues', label: 'Issue log', action: 'read', subject: 'Issue' },
  { path: '/cases', label: 'Cases', action: 'read', subject: 'SupportCase' },
  {
    path: '/webhooks',
    label: 'Webhooks',
    action: 'read',
    subject: 'WebhookEndpoint',
    anyOf: [
      { action: 'read', subject: 'WebhookDelivery' },
      { action: 'read', subject: 'InboxEvent' },
    ],
  },
  {
    path: '/monitoring',
    label: 'Monitoring',
    action: 'read',
    subject: 'Monitoring',
    anyOf: [
      { action: 'read', subject: 'Alert' },
      { action: 'read', subject: 'RoutingRule' },
    ],
  },
  {
    path: '/privacy',
    label: 'Privacy',
    action: 'read',
    subject: 'PrivacyRequest',
    anyOf: [{ action: 'read', subject: 'Retention' }],
  },
];

export function navAllowed(item: NavItem, can: (action: string, subject: string) => boolean): boolean {
  return can(item.action, item.subject) || (item.anyOf ?? []).some((a) => can(a.action, a.subject));
}

export function visibleNavigation(can: (action: string, subject: string) => boolean): NavItem[] {
  return NAVIGATION.filter((item) => navAllowed(item, can));
}

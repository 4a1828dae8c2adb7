import { AbilityBuilder, createMongoAbility, type MongoAbility } from '@casl/ability';
import type { Role } from './role-assignment.entity';

export const POLICY_ACTIONS = [
  'read',
  'create',
  'update',
  'delete',
  'manage',
  'capture',
  'void',
  'refund',
  'export',
  'verify',
  'retry',
  'replay',
] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];

export const POLICY_SUBJECTS = [
  'Payment',
  'Refund',
  'Connection',
  'Plugin',
  'User',
  'RoleAssignment',
  'Merchant',
  'ApiKey',
  'AuditEntry',
  'WebhookEndpoint',
  'WebhookDelivery',
  'InboxEvent',
  'Job',
  'Dashboard',
  'Terminal',
  'Report',
  'Reconciliation',
  'KbArticle',
  'Issue',
  'SupportCase',
  'SupportPolicy',
  'PrivacyRequest',
  'Retention',
  'RoutingRule',
  'Monitoring',
  'Alert',
  'Customer',
  'Dispute',
] as const;
export type PolicySubject = (typeof POLICY_SUBJECTS)[number];

/** A subject instance for object-level checks: `{ __type: 'Payment', merchantId }`. */
export interface PolicyObject {
  __type: PolicySubject;
  merchantId: string;
}

export type AppAbility = MongoAbility<[PolicyAction, PolicySubject | PolicyObject]>;

type Grants = Partial<Record<PolicySubject, readonly PolicyAction[]>>;

const ALL: readonly PolicyAction[] = ['manage'];
const READ: readonly PolicyAction[] = ['read'];

/**
 * The permission matrix: role × subject → actions.
 * `Terminal` is the console's virtual terminal: test-mode payments with sandbox cards, to try a
 * gateway end to end. It is not `create` on `Payment` (which no console role but the owner holds:
 * payments come from merchants' servers), and roles that handle money or customers (finance,
 * support) or only look (auditor) do not get it. The knowledge base's editors (`update` on
 * `KbArticle`) also see drafts; support opens, comments on and escalates cases (`update` on
 * `SupportCase`), admins manage the SLA policies and business-hours calendars (`SupportPolicy`).
 * Data subject requests and legal holds (`PrivacyRequest`) and the retention purge (`Retention`)
 * are the owners' and admins'; auditors read them (not an access export: `export`). Routing rules, gateway
 * monitoring and alerts are edited by admins and platform engineers and read by support and auditors.
 * Customers with their saved cards, and disputes, are read in the console by every role that reads
 * payments (customers change only through the merchant API); finance also answers disputes
 * (`update` on `Dispute`: evidence files and text, sent to the gateway). The one place access is decided; the
 * README table and `GET /admin/roles` are generated from it. `manage` means every action.
 */
export const PERMISSION_MATRIX: Record<Role, Grants> = {
  owner: Object.fromEntries(POLICY_SUBJECTS.map((s) => [s, ALL])) as Grants,
  admin: {
    Payment: ['read', 'capture', 'void', 'refund', 'export'],
    Refund: ['read', 'create', 'export'],
    Connection: ALL,
    Plugin: READ,
    User: ['read', 'create', 'update'],
    RoleAssignment: ['read', 'create', 'delete'],
    Merchant: ['read', 'update'],
    ApiKey: ['read', 'create', 'delete'],
    AuditEntry: ['read', 'export'],
    WebhookEndpoint: ALL,
    WebhookDelivery: ['read', 'retry'],
    InboxEvent: ['read', 'replay'],
    Job: ['read', 'retry'],
    Dashboard: READ,
    Terminal: ['create'],
    Report: ['read', 'export'],
    KbArticle: ['read', 'create', 'update', 'export'],
    Issue: ['read', 'update'],
    SupportCase: ALL,
    SupportPolicy: ALL,
    PrivacyRequest: ALL,
    Retention: ['read', 'update'],
    RoutingRule: ALL,
    Monitoring: ['read', 'update'],
    Alert: ALL,
    Customer: READ,
    Dispute: READ,
  },
  platform_engineer: {
    Payment: READ,
    Refund: READ,
    Connection: ALL,
    Plugin: ALL,
    Merchant: READ,
    WebhookEndpoint: ALL,
    WebhookDelivery: ['read', 'retry'],
    InboxEvent: ['read', 'replay'],
    Job: ['read', 'retry'],
    Dashboard: READ,
    Terminal: ['create'],
    KbArticle: ['read', 'create', 'update', 'export'],
    Issue: ['read', 'update'],
    SupportCase: ['read', 'create', 'update'],
    SupportPolicy: READ,
    RoutingRule: ALL,
    Monitoring: ['read', 'update'],
    Alert: ALL,
    Customer: READ,
    Dispute: READ,
  },
  finance: {
    Payment: ['read', 'capture', 'void', 'refund', 'export'],
    Refund: ['read', 'create', 'export'],
    Connection: READ,
    Merchant: READ,
    Dashboard: READ,
    Report: ['read', 'export'],
    // Runs (`create`) and resolves exceptions (`update`).
    Reconciliation: ['read', 'create', 'update'],
    KbArticle: READ,
    Issue: READ,
    SupportCase: ['read', 'create'],
    Customer: READ,
    // Answers disputes with evidence files and text (`update`).
    Dispute: ['read', 'update'],
  },
  support: {
    Payment: READ,
    Refund: READ,
    Merchant: READ,
    WebhookDelivery: READ,
    InboxEvent: READ,
    Job: READ,
    Dashboard: READ,
    KbArticle: READ,
    Issue: ['read', 'update'],
    SupportCase: ['read', 'create', 'update'],
    SupportPolicy: READ,
    RoutingRule: READ,
    Monitoring: READ,
    Alert: READ,
    Customer: READ,
    Dispute: READ,
  },
  auditor: {
    Payment: ['read', 'export'],
    Refund: ['read', 'export'],
    Connection: READ,
    Plugin: READ,
    User: READ,
    RoleAssignment: READ,
    Merchant: READ,
    ApiKey: READ,
    AuditEntry: ['read', 'export', 'verify'],
    WebhookEndpoint: READ,
    WebhookDelivery: READ,
    Dashboard: READ,
    Report: ['read', 'export'],
    Reconciliation: READ,
    KbArticle: READ,
    Issue: READ,
    SupportCase: READ,
    SupportPolicy: READ,
    PrivacyRequest: READ,
    Retention: READ,
    RoutingRule: READ,
    Monitoring: READ,
    Alert: READ,
    Customer: READ,
    Dispute: READ,
  },
};

/** Roles that cannot reach any admin route before MFA is enrolled and verified in the session. */
export const MFA_REQUIRED_ROLES: readonly Role[] = ['owner', 'admin', 'platform_engineer'];

/** Whether the matrix grants `role` the `action` on `subject` (`manage` covers every action). */
export function roleAllows(role: Role, action: PolicyAction, subject: PolicySubject): boolean {
  const granted = PERMISSION_MATRIX[role][subject] ?? [];
  return granted.includes('manage') || granted.includes(action);
}

/** The abilities a user's role assignments give: merchant-scoped ones only on that merchant's objects. */
export function defineAbilityFor(
  assignments: ReadonlyArray<{ role: Role; merchantId: string | null }>,
): AppAbility {
  const { can, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
  for (const { role, merchantId } of assignments) {
    for (const [subject, actions] of Object.entries(PERMISSION_MATRIX[role]) as [
      PolicySubject,
      PolicyAction[],
    ][]) {
      for (const action of actions) {
        if (merchantId === null) can(action, subject);
        else can(action, subject, { merchantId });
      }
    }
  }
  return build({ detectSubjectType: (object) => (object as PolicyObject).__type });
}

/** A subject instance for `ability.can(action, policyObject('Payment', merchantId))`. */
export function policyObject(type: PolicySubject, merchantId: string): PolicyObject {
  return { __type: type, merchantId };
}

/** The matrix as rows for the README and the console: one per role and subject. */
export function permissionMatrixRows(): Array<{
  role: Role;
  subject: PolicySubject;
  actions: PolicyAction[];
}> {
  const rows: Array<{ role: Role; subject: PolicySubject; actions: PolicyAction[] }> = [];
  for (const role of Object.keys(PERMISSION_MATRIX) as Role[]) {
    for (const subject of POLICY_SUBJECTS) {
      const actions = PERMISSION_MATRIX[role][subject];
      if (actions?.length) rows.push({ role, subject, actions: [...actions] });
    }
  }
  return rows;
}

/** The matrix as the Markdown table the README carries (a spec checks they match). */
export function permissionMatrixMarkdown(): string {
  const roles = Object.keys(PERMISSION_MATRIX) as Role[];
  const lines = [`| subject | ${roles.join(' | ')} |`, `| --- | ${roles.map(() => '---').join(' | ')} |`];
  for (const subject of POLICY_SUBJECTS) {
    const cells = roles.map((role) => {
      const actions = PERMISSION_MATRIX[role][subject] ?? [];
      return actions.length ? actions.join(', ') : '–';
    });
    lines.push(`| ${subject} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

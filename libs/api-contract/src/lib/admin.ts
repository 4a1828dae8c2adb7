/** Console identity and access: sign-in, MFA, users, roles, merchants and API keys (`/admin/...`). */

export type AdminRole = 'owner' | 'admin' | 'platform_engineer' | 'finance' | 'support' | 'auditor';
export type AdminPolicyAction =
  | 'read'
  | 'create'
  | 'update'
  | 'delete'
  | 'manage'
  | 'capture'
  | 'void'
  | 'refund'
  | 'export'
  | 'verify'
  | 'retry'
  | 'replay';
export type AdminPolicySubject =
  | 'Payment'
  | 'Refund'
  | 'Connection'
  | 'Plugin'
  | 'User'
  | 'RoleAssignment'
  | 'Merchant'
  | 'ApiKey'
  | 'AuditEntry'
  | 'WebhookEndpoint'
  | 'WebhookDelivery'
  | 'InboxEvent'
  | 'Job'
  | 'Dashboard'
  /** The virtual terminal (test-mode payments from the console). */
  | 'Terminal'
  | 'Report'
  | 'Reconciliation'
  | 'RoutingRule'
  /** Gateway health: `/admin/monitoring/*`. */
  | 'Monitoring'
  /** Alert rules, channels, alerts and silences: `/admin/alerts/*`. */
  | 'Alert'
  | 'Customer'
  | 'Dispute';

/**
 * One CASL rule. Without `conditions` it holds for every merchant; with them only for objects whose
 * `merchant_id` matches. Feed `abilities` to `createMongoAbility` and build subjects with a
 * `merchant_id` field.
 */
export interface AdminAbilityRule {
  action: AdminPolicyAction;
  subject: AdminPolicySubject;
  conditions?: { merchant_id: string };
}

export interface RoleAssignmentResource {
  object: 'role_assignment';
  id: string;
  user_id: string;
  role: AdminRole;
  /** null: across all merchants. */
  merchant_id: string | null;
  created_at: string;
}

export interface AdminUserResource {
  object: 'user';
  id: string;
  email: string;
  name: string;
  status: 'active' | 'disabled';
  mfa_enabled: boolean;
  /** Set while the account is locked after 10 failed sign-ins. */
  locked_until: string | null;
  last_login_at: string | null;
  created_at: string;
  roles: RoleAssignmentResource[];
}

export interface AdminSessionInfo {
  id: string;
  created_at: string;
  /** The absolute end (12 h after sign-in). */
  expires_at: string;
  idle_timeout_seconds: number;
  mfa_verified: boolean;
}

/** `GET /admin/me`, and the answer to a successful sign-in. */
export interface AdminMeResponse {
  user: AdminUserResource;
  roles: AdminRole[];
  merchant_ids: string[] | 'all';
  abilities: AdminAbilityRule[];
  mfa: {
    enrolled: boolean;
    /** The user's roles require MFA (owner, admin, platform_engineer) or they enrolled it. */
    required: boolean;
    verified: boolean;
    /** What the console must do next before other admin routes open. */
    next_step: 'none' | 'enroll' | 'verify';
  };
  session: AdminSessionInfo;
  /** Send as `X-CSRF-Token` on every POST/PATCH/PUT/DELETE. */
  csrf_token: string;
}

export interface LoginRequest {
  email: string;
  password: string;
  /** A TOTP code, for users who enrolled MFA (or verify later with POST /admin/auth/mfa/verify). */
  code?: string;
  recovery_code?: string;
}

export interface CsrfResponse {
  csrf_token: string;
}

export interface MfaEnrollResponse {
  /** Base32 secret, for typing into an authenticator by hand. */
  secret: string;
  otpauth_uri: string;
  /** A PNG QR code of `otpauth_uri`, as a data: URL. */
  qr_data_url: string;
}

export interface MfaConfirmRequest {
  code: string;
}

export interface MfaConfirmResponse {
  /** Shown once; each works once in place of a code. */
  recovery_codes: string[];
}

export interface MfaVerifyRequest {
  code?: string;
  recovery_code?: string;
}

export interface ChangePasswordRequest {
  current_password: string;
  new_password: string;
}

export interface PasswordResetIssueResponse {
  /** Give it to the user out of band; it works once, until `expires_at`. */
  reset_token: string;
  expires_at: string;
}

export interface PasswordResetRequest {
  token: string;
  new_password: string;
}

export interface CreateUserRequest {
  email: string;
  name?: string;
  /** Omit to have one generated and returned once. */
  password?: string;
  roles: Array<{ role: AdminRole; merchant_id: string | null }>;
}

export interface CreateUserResponse extends AdminUserResource {
  generated_password?: string;
}

/** Only the name: roles, status and merchants have their own routes, and a PATCH setting them is refused. */
export interface UpdateUserRequest {
  name?: string;
}

export interface AssignRoleRequest {
  role: AdminRole;
  merchant_id: string | null;
}

export interface RoleDefinition {
  role: AdminRole;
  requires_mfa: boolean;
  permissions: Partial<Record<AdminPolicySubject, AdminPolicyAction[]>>;
}

export interface MerchantResource {
  object: 'merchant';
  id: string;
  name: string;
  is_default: boolean;
  created_at: string;
}

export interface CreateMerchantRequest {
  name: string;
}

export interface UpdateMerchantRequest {
  name?: string;
}

export type ApiKeyScopeName = 'payments:read' | 'payments:write' | 'refunds:write' | 'reports:read';

export interface ApiKeyResource {
  object: 'api_key';
  id: string;
  merchant_id: string;
  name: string;
  mode: 'test' | 'live';
  /** The first characters, to recognise the key; the secret is never shown again. */
  prefix: string;
  scopes: ApiKeyScopeName[];
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  created_at: string;
}

export interface CreateApiKeyRequest {
  merchant_id: string;
  name?: string;
  mode: 'test' | 'live';
  /** Default: every scope. */
  scopes?: ApiKeyScopeName[];
  expires_at?: string | null;
}

export interface CreateApiKeyResponse extends ApiKeyResource {
  /** Shown once. */
  secret: string;
}

export interface AdminList<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
}

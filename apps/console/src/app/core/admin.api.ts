import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  AdminList,
  AdminPaymentDetailResource,
  AdminPaymentListQuery,
  AdminPaymentPageResource,
  AdminPaymentResource,
  AdminRole,
  AdminUserResource,
  ApiKeyResource,
  AuditListQuery,
  AuditPageResource,
  AuditVerificationResource,
  ConnectionResource,
  CreateApiKeyRequest,
  CreateApiKeyResponse,
  CreateConnectionRequest,
  CreatedWebhookEndpointResource,
  CreateUserRequest,
  CreateUserResponse,
  CreateWebhookEndpointRequest,
  InboxEventResource,
  PasswordResetIssueResponse,
  RoleAssignmentResource,
  UpdateConnectionRequest,
  WebhookDeliveryResource,
  WebhookDeliveryState,
  WebhookEndpointResource,
  DashboardResource,
  MerchantResource,
  PluginResource,
  RefundResource,
  TerminalOptionsResource,
  TerminalPaymentRequest,
} from '@payrail/api-contract';
import { firstValueFrom } from 'rxjs';

function params(query: object): HttpParams {
  let p = new HttpParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') p = p.set(key, String(value));
  }
  return p;
}

/** The admin API, typed with `@payrail/api-contract`. */
@Injectable({ providedIn: 'root' })
export class AdminApi {
  private readonly http = inject(HttpClient);
  private get<T>(path: string, query: object = {}): Promise<T> {
    return firstValueFrom(this.http.get<T>(path, { params: params(query) }));
  }
  private post<T>(path: string, body: unknown = {}): Promise<T> {
    return firstValueFrom(this.http.post<T>(path, body));
  }
  private patch<T>(path: string, body: unknown): Promise<T> {
    return firstValueFrom(this.http.patch<T>(path, body));
  }
  private delete<T>(path: string): Promise<T> {
    return firstValueFrom(this.http.delete<T>(path));
  }

  dashboard = (mode: 'test' | 'live') => this.get<DashboardResource>('/admin/dashboard', { mode });
  payments = (query: AdminPaymentListQuery) => this.get<AdminPaymentPageResource>('/admin/payments', query);
  payment = (id: string) => this.get<AdminPaymentDetailResource>(`/admin/payments/${encodeURIComponent(id)}`);
  capture = (id: string, amount?: number) =>
    this.post<AdminPaymentResource>(`/admin/payments/${encodeURIComponent(id)}/capture`, { amount });
  void = (id: string) => this.post<AdminPaymentResource>(`/admin/payments/${encodeURIComponent(id)}/void`);
  refund = (id: string, amount?: number, reason?: string) =>
    this.post<RefundResource>(`/admin/payments/${encodeURIComponent(id)}/refund`, {
      amount,
      reason: reason || undefined,
    });
  terminal = () => this.get<TerminalOptionsResource>('/admin/terminal');
  terminalPayment = (body: TerminalPaymentRequest) =>
    this.post<AdminPaymentResource>('/admin/terminal/payments', body);

  plugins = () => this.get<AdminList<PluginResource>>('/admin/plugins');
  connections = (merchantId?: string) =>
    this.get<AdminList<ConnectionResource>>('/admin/connections', { merchant_id: merchantId });
  createConnection = (body: CreateConnectionRequest) =>
    this.post<ConnectionResource>('/admin/connections', body);
  updateConnection = (id: string, body: UpdateConnectionRequest) =>
    this.patch<ConnectionResource>(`/admin/connections/${encodeURIComponent(id)}`, body);
  setConnectionEnabled = (id: string, enabled: boolean) =>
    this.post<ConnectionResource>(
      `/admin/connections/${encodeURIComponent(id)}/${enabled ? 'enable' : 'disable'}`,
    );
  checkConnection = (id: string) =>
    this.post<ConnectionResource>(`/admin/connections/${encodeURIComponent(id)}/check`);
  deleteConnection = (id: string) =>
    this.delete<{ id: string; deleted: true }>(`/admin/connections/${encodeURIComponent(id)}`);
  merchants = () => this.get<AdminList<MerchantResource>>('/admin/merchants');

  users = () => this.get<AdminList<AdminUserResource>>('/admin/users');
  createUser = (body: CreateUserRequest) => this.post<CreateUserResponse>('/admin/users', body);
  grantRole = (userId: string, role: AdminRole, merchantId: string | null) =>
    this.post<RoleAssignmentResource>(`/admin/users/${encodeURIComponent(userId)}/roles`, {
      role,
      merchant_id: merchantId,
    });
  revokeRole = (userId: string, assignmentId: string) =>
    this.delete<RoleAssignmentResource>(
      `/admin/users/${encodeURIComponent(userId)}/roles/${encodeURIComponent(assignmentId)}`,
    );
  setUserEnabled = (userId: string, enabled: boolean) =>
    this.post<AdminUserResource & { sessions_ended?: number }>(
      `/admin/users/${encodeURIComponent(userId)}/${enabled ? 'enable' : 'disable'}`,
    );
  issuePasswordReset = (userId: string) =>
    this.post<PasswordResetIssueResponse>(`/admin/users/${encodeURIComponent(userId)}/password-reset`);
  resetMfa = (userId: string) =>
    this.delete<AdminUserResource>(`/admin/users/${encodeURIComponent(userId)}/mfa`);
  apiKeys = (merchantId?: string) =>
    this.get<AdminList<ApiKeyResource>>('/admin/api-keys', { merchant_id: merchantId });
  createApiKey = (body: CreateApiKeyRequest) => this.post<CreateApiKeyResponse>('/admin/api-keys', body);
  revokeApiKey = (id: string) =>
    this.post<ApiKeyResource>(`/admin/api-keys/${encodeURIComponent(id)}/revoke`);

  audit = (query: AuditListQuery) => this.get<AuditPageResource>('/admin/audit', query);
  verifyAudit = () => this.get<AuditVerificationResource>('/admin/audit/verify');

  webhookEndpoints = () => this.get<AdminList<WebhookEndpointResource>>('/admin/webhooks/endpoints');
  createWebhookEndpoint = (body: CreateWebhookEndpointRequest) =>
    this.post<CreatedWebhookEndpointResource>('/admin/webhooks/endpoints', body);
  webhookDeliveries = (query: {
    state?: WebhookDeliveryState | '';
    endpoint_id?: string;
    event_id?: string;
  }) => this.get<AdminList<WebhookDeliveryResource>>('/admin/webhooks/deliveries', query);
  webhookDelivery = (id: string) =>
    this.get<WebhookDeliveryResource>(`/admin/webhooks/deliveries/${encodeURIComponent(id)}`);
  redeliver = (id: string) =>
    this.post<WebhookDeliveryResource>(`/admin/webhooks/deliveries/${encodeURIComponent(id)}/redeliver`);
  inbox = (query: { state?: string; payment_reference?: string; gateway_event_id?: string }) =>
    this.get<AdminList<InboxEventResource>>('/admin/webhooks/inbox', query);
  inboxEvent = (id: string) =>
    this.get<InboxEventResource>(`/admin/webhooks/inbox/${encodeURIComponent(id)}`);
  replayInbox = (id: string) =>
    this.post<InboxEventResource>(`/admin/webhooks/inbox/${encodeURIComponent(id)}/replay`);
}

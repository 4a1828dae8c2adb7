import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  AdminList,
  AdminPaymentDetailResource,
  AdminPaymentListQuery,
  AdminPaymentPageResource,
  AdminPaymentResource,
  AdminUserResource,
  ApiKeyResource,
  AuditListQuery,
  AuditPageResource,
  AuditVerificationResource,
  ConnectionResource,
  CreateApiKeyRequest,
  CreateApiKeyResponse,
  CreateConnectionRequest,
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

  dashboard = () => this.get<DashboardResource>('/admin/dashboard');
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
  merchants = () => this.get<AdminList<MerchantResource>>('/admin/merchants');

  users = () => this.get<AdminList<AdminUserResource>>('/admin/users');
  apiKeys = (merchantId?: string) =>
    this.get<AdminList<ApiKeyResource>>('/admin/api-keys', { merchant_id: merchantId });
  createApiKey = (body: CreateApiKeyRequest) => this.post<CreateApiKeyResponse>('/admin/api-keys', body);
  revokeApiKey = (id: string) =>
    this.post<ApiKeyResource>(`/admin/api-keys/${encodeURIComponent(id)}/revoke`);

  audit = (query: AuditListQuery) => this.get<AuditPageResource>('/admin/audit', query);
  verifyAudit = () => this.get<AuditVerificationResource>('/admin/audit/verify');
}

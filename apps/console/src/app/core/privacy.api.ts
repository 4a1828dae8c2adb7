import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { AdminList } from '@payrail/api-contract';
import { firstValueFrom } from 'rxjs';

export type PrivacyRequestType = 'access' | 'erasure';
export type PrivacyRegime = 'gdpr' | 'ccpa';
export type PrivacyRequestStatus = 'pending' | 'processing' | 'completed' | 'blocked';
/** One of the two: the subject's email, or the merchant's customer reference. */
export type PrivacySubject = { email: string } | { customer: string };

export interface PrivacyRequestResource {
  id: string;
  object: 'privacy_request';
  type: PrivacyRequestType;
  regime: PrivacyRegime;
  merchant_id: string;
  subject_kind: 'email' | 'customer';
  subject_hash: string;
  status: PrivacyRequestStatus;
  blocked_reason: string | null;
  due_at: string;
  created_at: string;
  completed_at: string | null;
  export_available: boolean;
  certificate_available: boolean;
  gateway_erasure: Array<{ gateway: string; reference: string; status: string; tries: number }>;
}

export interface PrivacyHoldResource {
  id: string;
  object: 'privacy_hold';
  merchant_id: string;
  subject_hash: string;
  reason: string;
  placed_by: string;
  created_at: string;
  released_at: string | null;
}

export interface ErasureCertificate {
  kind: string;
  request_id: string;
  merchant_id: string;
  regime: PrivacyRegime;
  subject_hash: string;
  erased?: Array<{ table: string; column: string; rows: number }>;
  kept?: string;
  scan?: { clean: boolean } & Record<string, unknown>;
  completed_at: string;
}

export interface RetentionClassReport {
  name: string;
  description: string;
  days: number;
  cutoff: string;
  rows: number;
}

export interface RetentionReport {
  dry_run: boolean;
  at: string;
  classes: RetentionClassReport[];
}

export const privacyPaths = {
  export: (id: string) => `/admin/privacy/requests/${encodeURIComponent(id)}/export`,
  certificate: (id: string) => `/admin/privacy/requests/${encodeURIComponent(id)}/certificate`,
};

/** Data subject requests, legal holds and retention (`/admin/privacy/*`). */
@Injectable({ providedIn: 'root' })
export class PrivacyApi {
  private readonly http = inject(HttpClient);
  private get<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
    let params = new HttpParams();
    for (const [key, value] of Object.entries(query)) if (value) params = params.set(key, value);
    return firstValueFrom(this.http.get<T>(path, { params }));
  }
  private post<T>(path: string, body: unknown = {}): Promise<T> {
    return firstValueFrom(this.http.post<T>(path, body));
  }

  requests = (merchantId?: string) =>
    this.get<AdminList<PrivacyRequestResource>>('/admin/privacy/requests', { merchant_id: merchantId });
  request = (id: string) =>
    this.get<PrivacyRequestResource>(`/admin/privacy/requests/${encodeURIComponent(id)}`);
  create = (body: {
    type: PrivacyRequestType;
    regime: PrivacyRegime;
    subject: PrivacySubject;
    merchant_id: string;
  }) => this.post<PrivacyRequestResource>('/admin/privacy/requests', body);
  retry = (id: string) =>
    this.post<PrivacyRequestResource>(`/admin/privacy/requests/${encodeURIComponent(id)}/retry`);
  certificate = (id: string) => this.get<ErasureCertificate>(privacyPaths.certificate(id));

  holds = (merchantId?: string) =>
    this.get<AdminList<PrivacyHoldResource>>('/admin/privacy/holds', { merchant_id: merchantId });
  placeHold = (body: { subject: PrivacySubject; merchant_id: string; reason: string }) =>
    this.post<PrivacyHoldResource>('/admin/privacy/holds', body);
  releaseHold = (id: string) =>
    this.post<PrivacyHoldResource>(`/admin/privacy/holds/${encodeURIComponent(id)}/release`);

  retention = () => this.get<RetentionReport>('/admin/privacy/retention');
  purge = (dryRun: boolean) =>
    this.post<RetentionReport>('/admin/privacy/retention/purge', { dry_run: dryRun });
}

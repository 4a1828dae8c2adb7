import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  AdminCustomerDetailResource,
  AdminCustomerResource,
  AdminDisputeDetailResource,
  AdminDisputeResource,
  DisputeEvidenceFileResource,
  AdminList,
  DisputeStatus,
} from '@payrail/api-contract';
import { firstValueFrom } from 'rxjs';

export interface CustomerQuery {
  merchant_id?: string;
  mode?: 'test' | 'live';
  q?: string;
  limit?: number;
  starting_after?: string;
}

export interface DisputeQuery {
  merchant_id?: string;
  mode?: 'test' | 'live';
  status?: DisputeStatus;
  limit?: number;
}

function params(query: object): HttpParams {
  let p = new HttpParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== null && value !== '') p = p.set(key, String(value));
  return p;
}

/** The console's customers and disputes routes: read by every role that reads payments, answered by finance. */
@Injectable({ providedIn: 'root' })
export class CustomersApi {
  private readonly http = inject(HttpClient);

  customers(query: CustomerQuery): Promise<AdminList<AdminCustomerResource>> {
    return firstValueFrom(
      this.http.get<AdminList<AdminCustomerResource>>('/admin/customers', { params: params(query) }),
    );
  }

  customer(id: string): Promise<AdminCustomerDetailResource> {
    return firstValueFrom(
      this.http.get<AdminCustomerDetailResource>(`/admin/customers/${encodeURIComponent(id)}`),
    );
  }

  disputes(query: DisputeQuery): Promise<AdminList<AdminDisputeResource>> {
    return firstValueFrom(
      this.http.get<AdminList<AdminDisputeResource>>('/admin/disputes', { params: params(query) }),
    );
  }

  dispute(id: string): Promise<AdminDisputeDetailResource> {
    return firstValueFrom(
      this.http.get<AdminDisputeDetailResource>(`/admin/disputes/${encodeURIComponent(id)}`),
    );
  }

  /** Sends one evidence file to the dispute's gateway (multipart: `file`, `category`). */
  uploadEvidence(
    id: string,
    file: File,
    category: string,
  ): Promise<{ file: DisputeEvidenceFileResource; dispute: AdminDisputeResource }> {
    const form = new FormData();
    form.append('file', file, file.name);
    form.append('category', category);
    return firstValueFrom(
      this.http.post<{ file: DisputeEvidenceFileResource; dispute: AdminDisputeResource }>(
        `/admin/disputes/${encodeURIComponent(id)}/files`,
        form,
      ),
    );
  }

  submitEvidence(id: string, text: string): Promise<AdminDisputeResource> {
    return firstValueFrom(
      this.http.post<AdminDisputeResource>(`/admin/disputes/${encodeURIComponent(id)}/evidence`, { text }),
    );
  }
}

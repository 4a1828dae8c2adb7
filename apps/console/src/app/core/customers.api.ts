import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  AdminCustomerDetailResource,
  AdminCustomerResource,
  AdminDisputeResource,
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

/** The console's read-only customers and disputes routes. */
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
}

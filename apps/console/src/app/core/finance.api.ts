import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  ReconciliationExceptionResource,
  ReconciliationRunResource,
  ReportExportResource,
  ReportSummaryResource,
} from '@payrail/api-contract';
import { firstValueFrom } from 'rxjs';

export interface ReportQuery {
  from?: string;
  to?: string;
  gateway?: string;
  currency?: string;
  mode?: 'test' | 'live';
  group_by?: string;
  merchant_id?: string;
}

export interface ExceptionQuery {
  run_id?: string;
  connection_id?: string;
  kind?: string;
  status?: string;
  page?: number;
  limit?: number;
}

export function queryString(query: object): string {
  const p = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== null && value !== '') p.set(key, String(value));
  return p.toString();
}

function params(query: object): HttpParams {
  return new HttpParams({ fromString: queryString(query) });
}

/** Finance's part of the admin API: reports, exports, reconciliation runs and exceptions. */
@Injectable({ providedIn: 'root' })
export class FinanceApi {
  private readonly http = inject(HttpClient);

  summary = (query: ReportQuery) =>
    firstValueFrom(this.http.get<ReportSummaryResource>('/admin/reports/summary', { params: params(query) }));
  requestExport = (body: ReportQuery & { format: 'csv' | 'jsonl' }) =>
    firstValueFrom(this.http.post<ReportExportResource>('/admin/reports/exports', body));
  exportJob = (id: string) =>
    firstValueFrom(this.http.get<ReportExportResource>(`/admin/reports/exports/${id}`));

  runs = (connectionId?: string) =>
    firstValueFrom(
      this.http.get<{ data: ReconciliationRunResource[] }>('/admin/reconciliation/runs', {
        params: params({ connection_id: connectionId }),
      }),
    );
  startRun = (body: { connection_id: string; from: string; to: string }) =>
    firstValueFrom(this.http.post<ReconciliationRunResource>('/admin/reconciliation/runs', body));
  exceptions = (query: ExceptionQuery) =>
    firstValueFrom(
      this.http.get<{ data: ReconciliationExceptionResource[]; total: number; page: number }>(
        '/admin/reconciliation/exceptions',
        { params: params(query) },
      ),
    );
  exception = (id: string) =>
    firstValueFrom(this.http.get<ReconciliationExceptionResource>(`/admin/reconciliation/exceptions/${id}`));
  resolve = (id: string, body: { resolution: string; note: string; linked_reference?: string }) =>
    firstValueFrom(
      this.http.post<ReconciliationExceptionResource>(`/admin/reconciliation/exceptions/${id}/resolve`, body),
    );
  acknowledge = (id: string, note: string) =>
    firstValueFrom(
      this.http.post<ReconciliationExceptionResource>(`/admin/reconciliation/exceptions/${id}/acknowledge`, {
        note,
      }),
    );
  reopen = (id: string, note: string) =>
    firstValueFrom(
      this.http.post<ReconciliationExceptionResource>(`/admin/reconciliation/exceptions/${id}/reopen`, {
        note,
      }),
    );
}

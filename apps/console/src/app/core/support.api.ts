import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  AdminList,
  CasePriorityValue,
  CaseStatusValue,
  IssueDetailResource,
  IssueResource,
  IssueStatusValue,
  KbArticleResource,
  KbArticleWrite,
  KbDiffResource,
  SlaPolicyResource,
  SupportCaseEventResource,
  SupportCaseResource,
} from '@payrail/api-contract';
import { firstValueFrom } from 'rxjs';

function params(query: object): HttpParams {
  let p = new HttpParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== null && value !== '') p = p.set(key, String(value));
  return p;
}

/** The knowledge base, the issue log and support cases, typed with `@payrail/api-contract`. */
@Injectable({ providedIn: 'root' })
export class SupportApi {
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

  articles(query: { q?: string; gateway?: string; code?: string; status?: string; limit?: number }) {
    return this.get<AdminList<KbArticleResource>>('/admin/kb/articles', query);
  }
  article(slug: string) {
    return this.get<KbArticleResource>(`/admin/kb/articles/${encodeURIComponent(slug)}`);
  }
  createArticle(body: KbArticleWrite) {
    return this.post<KbArticleResource>('/admin/kb/articles', body);
  }
  updateArticle(slug: string, body: KbArticleWrite) {
    return this.patch<KbArticleResource>(`/admin/kb/articles/${encodeURIComponent(slug)}`, body);
  }
  diff(slug: string, from: number, to: number) {
    return this.get<KbDiffResource>(`/admin/kb/articles/${encodeURIComponent(slug)}/diff`, { from, to });
  }
  preview(markdown: string) {
    return this.post<{ html: string }>('/admin/kb/preview', { markdown });
  }

  issues(query: { status?: IssueStatusValue | ''; gateway?: string; code?: string; limit?: number }) {
    return this.get<AdminList<IssueResource>>('/admin/issues', query);
  }
  issue(id: string) {
    return this.get<IssueDetailResource>(`/admin/issues/${encodeURIComponent(id)}`, { payments_limit: 50 });
  }
  setIssueStatus(id: string, status: IssueStatusValue) {
    return this.patch<IssueResource>(`/admin/issues/${encodeURIComponent(id)}`, { status });
  }

  cases(query: { status?: CaseStatusValue | ''; limit?: number }) {
    return this.get<AdminList<SupportCaseResource>>('/admin/cases', query);
  }
  case(id: string) {
    return this.get<SupportCaseResource>(`/admin/cases/${encodeURIComponent(id)}`);
  }
  openCase(body: {
    subject: string;
    description?: string;
    priority: CasePriorityValue;
    payment_ids?: string[];
    issue_ids?: string[];
    merchant_id?: string;
  }) {
    return this.post<SupportCaseResource>('/admin/cases', body);
  }
  updateCase(
    id: string,
    body: { status?: CaseStatusValue; priority?: CasePriorityValue; assignee_id?: string },
  ) {
    return this.patch<SupportCaseResource>(`/admin/cases/${encodeURIComponent(id)}`, body);
  }
  comment(id: string, body: string) {
    return this.post<SupportCaseEventResource>(`/admin/cases/${encodeURIComponent(id)}/comments`, { body });
  }
  escalate(id: string, reason: string) {
    return this.post<SupportCaseResource>(`/admin/cases/${encodeURIComponent(id)}/escalate`, { reason });
  }
  slaPolicies() {
    return this.get<AdminList<SlaPolicyResource>>('/admin/support/sla-policies');
  }
}

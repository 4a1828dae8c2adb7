import { DatePipe, JsonPipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  inject,
  signal,
  type OnInit,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import type { MerchantResource } from '@payrail/api-contract';
import { AdminApi } from '../../core/admin.api';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import {
  PrivacyApi,
  privacyPaths,
  type ErasureCertificate,
  type PrivacyHoldResource,
  type PrivacyRegime,
  type PrivacyRequestResource,
  type PrivacyRequestType,
  type PrivacySubject,
  type RetentionReport,
} from '../../core/privacy.api';
import { SessionStore } from '../../core/session.store';
import { ProblemComponent } from '../../shared/problem.component';

/** While a request is pending or processing, the list is read again this often (and at most this many times). */
const POLL_MS = 1000;
const POLL_TRIES = 60;

/** Data subject requests (due dates, status, export and certificate), legal holds, and retention with its dry run. */
@Component({
  selector: 'pr-privacy',
  imports: [
    DatePipe,
    JsonPipe,
    FormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    ProblemComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './privacy.page.scss',
  templateUrl: './privacy.page.html',
})
export class PrivacyPage implements OnInit {
  private readonly api = inject(PrivacyApi);
  private readonly admin = inject(AdminApi);
  private readonly session = inject(SessionStore);
  private readonly destroyRef = inject(DestroyRef);
  private pollTimer: ReturnType<typeof setTimeout> | null = null;
  private pollsLeft = POLL_TRIES;

  readonly paths = privacyPaths;
  readonly requests = signal<PrivacyRequestResource[]>([]);
  readonly holds = signal<PrivacyHoldResource[]>([]);
  readonly retention = signal<RetentionReport | null>(null);
  readonly merchants = signal<MerchantResource[]>([]);
  readonly certificate = signal<ErasureCertificate | null>(null);
  readonly problem = signal<ApiProblem | null>(null);
  readonly notice = signal('');
  readonly busy = signal(false);
  readonly confirmPurge = signal(false);
  readonly now = signal(Date.now());

  private readonly can = (action: string, subject: string) =>
    computed(() => (this.session.me(), this.session.can(action, subject)));
  readonly canCreate = this.can('create', 'PrivacyRequest');
  readonly canUpdate = this.can('update', 'PrivacyRequest');
  readonly canExport = this.can('export', 'PrivacyRequest');
  readonly canPurge = this.can('update', 'Retention');
  readonly retentionTotal = computed(() =>
    (this.retention()?.classes ?? []).reduce((sum, c) => sum + c.rows, 0),
  );

  type: PrivacyRequestType = 'erasure';
  regime: PrivacyRegime = 'gdpr';
  subjectKind: 'email' | 'customer' = 'email';
  subject = '';
  merchantId = '';
  holdSubjectKind: 'email' | 'customer' = 'email';
  holdSubject = '';
  holdReason = '';

  ngOnInit(): void {
    this.destroyRef.onDestroy(() => this.stopPolling());
    void this.loadMerchants();
    void this.refresh();
    void this.loadRetention();
  }

  overdue(r: PrivacyRequestResource): boolean {
    return r.status !== 'completed' && Date.parse(r.due_at) < this.now();
  }

  merchantName(id: string): string {
    return this.merchants().find((m) => m.id === id)?.name ?? id;
  }

  async refresh(): Promise<void> {
    try {
      const [requests, holds] = await Promise.all([this.api.requests(), this.api.holds()]);
      this.requests.set(requests.data);
      this.holds.set(holds.data);
      this.now.set(Date.now());
      if (requests.data.some((r) => r.status === 'pending' || r.status === 'processing')) this.poll();
      else this.stopPolling();
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }

  async create(): Promise<void> {
    await this.act(async () => {
      const created = await this.api.create({
        type: this.type,
        regime: this.regime,
        subject: this.subjectOf(this.subjectKind, this.subject),
        merchant_id: this.merchantId,
      });
      this.notice.set(`Request ${created.id} recorded, due ${new Date(created.due_at).toDateString()}.`);
      this.subject = '';
      this.pollsLeft = POLL_TRIES;
    });
    // A blocked erasure is refused with 409 but recorded: the list shows it with its reason.
    await this.refresh();
  }

  async retry(r: PrivacyRequestResource): Promise<void> {
    await this.act(async () => {
      await this.api.retry(r.id);
      this.notice.set(`Request ${r.id} goes through again.`);
      this.pollsLeft = POLL_TRIES;
    });
    await this.refresh();
  }

  async showCertificate(r: PrivacyRequestResource): Promise<void> {
    await this.act(async () => this.certificate.set(await this.api.certificate(r.id)));
  }

  async placeHold(): Promise<void> {
    await this.act(async () => {
      const hold = await this.api.placeHold({
        subject: this.subjectOf(this.holdSubjectKind, this.holdSubject),
        merchant_id: this.merchantId,
        reason: this.holdReason.trim(),
      });
      this.notice.set(`Legal hold ${hold.id} placed.`);
      this.holdSubject = '';
      this.holdReason = '';
    });
    await this.refresh();
  }

  async release(hold: PrivacyHoldResource): Promise<void> {
    await this.act(async () => {
      await this.api.releaseHold(hold.id);
      this.notice.set(`Legal hold ${hold.id} released.`);
    });
    await this.refresh();
  }

  async loadRetention(): Promise<void> {
    try {
      this.retention.set(await this.api.retention());
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }

  async purge(): Promise<void> {
    this.confirmPurge.set(false);
    await this.act(async () => {
      const done = await this.api.purge(false);
      const rows = done.classes.reduce((sum, c) => sum + c.rows, 0);
      this.notice.set(`Purge done: ${rows} rows removed.`);
    });
    await this.loadRetention();
  }

  private subjectOf(kind: 'email' | 'customer', value: string): PrivacySubject {
    return kind === 'email' ? { email: value.trim() } : { customer: value.trim() };
  }

  private async loadMerchants(): Promise<void> {
    try {
      const merchants = (await this.admin.merchants()).data;
      this.merchants.set(merchants);
      if (!this.merchantId && merchants.length) this.merchantId = merchants[0].id;
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }

  private async act(work: () => Promise<void>): Promise<void> {
    this.busy.set(true);
    this.problem.set(null);
    this.notice.set('');
    try {
      await work();
    } catch (error) {
      this.problem.set(toProblem(error));
    } finally {
      this.busy.set(false);
    }
  }

  private poll(): void {
    if (this.pollTimer || this.pollsLeft <= 0) return;
    this.pollsLeft--;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      void this.refresh();
    }, POLL_MS);
  }

  private stopPolling(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
  }
}

import { DatePipe, DecimalPipe, JsonPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal, type OnInit } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import type {
  ConnectionResource,
  ReconciliationExceptionResource,
  ReconciliationRunResource,
} from '@payrail/api-contract';
import { AdminApi } from '../../core/admin.api';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { FinanceApi } from '../../core/finance.api';
import { SessionStore } from '../../core/session.store';
import { MoneyPipe } from '../../shared/money.pipe';
import { ProblemComponent } from '../../shared/problem.component';

const DAY = 86_400_000;
export const EXCEPTION_KINDS = [
  'amount_mismatch',
  'currency_mismatch',
  'status_mismatch',
  'missing_at_gateway',
  'missing_in_payrail',
  'duplicate',
];

/** Reconciliation runs with their totals, exceptions with filters, and an exception's two sides with its resolution. */
@Component({
  selector: 'pr-reconciliation',
  imports: [
    FormsModule,
    DatePipe,
    JsonPipe,
    DecimalPipe,
    MoneyPipe,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatButtonModule,
    ProblemComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './reconciliation.page.scss',
  templateUrl: './reconciliation.page.html',
})
export class ReconciliationPage implements OnInit {
  private readonly api = inject(FinanceApi);
  private readonly admin = inject(AdminApi);
  private readonly session = inject(SessionStore);
  readonly kinds = EXCEPTION_KINDS;
  readonly canRun = computed(() => (this.session.me(), this.session.can('create', 'Reconciliation')));
  readonly canResolve = computed(() => (this.session.me(), this.session.can('update', 'Reconciliation')));
  readonly connections = signal<ConnectionResource[]>([]);
  readonly runs = signal<ReconciliationRunResource[]>([]);
  readonly exceptions = signal<ReconciliationExceptionResource[]>([]);
  readonly total = signal(0);
  readonly selected = signal<ReconciliationExceptionResource | null>(null);
  readonly problem = signal<ApiProblem | null>(null);
  /** A refusal of an action on the open exception, shown beside it. */
  readonly actionProblem = signal<ApiProblem | null>(null);
  connectionId = '';
  from = new Date(Date.now() - DAY).toISOString().slice(0, 10);
  to = new Date(Date.now() + DAY).toISOString().slice(0, 10);
  filter = { kind: '', status: 'open', run_id: '' };
  resolution = 'accept_gateway';
  note = '';
  linkedReference = '';

  async ngOnInit(): Promise<void> {
    await this.guard(async () => {
      const connections = (await this.admin.connections()).data;
      this.connections.set(connections);
      this.connectionId = connections[0]?.id ?? '';
      await Promise.all([this.loadRuns(), this.loadExceptions()]);
    });
  }

  connectionName(id: string): string {
    const c = this.connections().find((x) => x.id === id);
    return c ? `${c.name || c.gateway} (${c.mode})` : id;
  }

  async loadRuns(): Promise<void> {
    this.runs.set((await this.api.runs()).data);
  }

  async loadExceptions(): Promise<void> {
    const page = await this.api.exceptions({
      kind: this.filter.kind || undefined,
      status: this.filter.status || undefined,
      run_id: this.filter.run_id || undefined,
      limit: 100,
    });
    this.exceptions.set(page.data);
    this.total.set(page.total);
  }

  /** Starts a run and follows it until it is done. */
  async start(): Promise<void> {
    await this.guard(async () => {
      let run = await this.api.startRun({
        connection_id: this.connectionId,
        from: new Date(`${this.from}T00:00:00Z`).toISOString(),
        to: new Date(`${this.to}T00:00:00Z`).toISOString(),
      });
      await this.loadRuns();
      for (let i = 0; i < 600 && (run.status === 'queued' || run.status === 'running'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        run = (await this.api.runs()).data.find((r) => r.id === run.id) ?? run;
        this.runs.update((runs) => runs.map((r) => (r.id === run.id ? run : r)));
      }
      await this.loadExceptions();
    });
  }

  async showRun(run: ReconciliationRunResource): Promise<void> {
    this.filter = { ...this.filter, run_id: run.id, status: '' };
    await this.guard(() => this.loadExceptions());
  }

  async open(x: ReconciliationExceptionResource): Promise<void> {
    await this.guard(async () => {
      this.selected.set(await this.api.exception(x.id));
      this.note = '';
      this.linkedReference = '';
    });
  }

  async act(action: 'resolve' | 'acknowledge' | 'reopen'): Promise<void> {
    const x = this.selected();
    if (!x) return;
    await this.guard(async () => {
      this.actionProblem.set(null);
      const done =
        action === 'resolve'
          ? await this.api.resolve(x.id, {
              resolution: this.resolution,
              note: this.note,
              ...(this.resolution === 'linked' ? { linked_reference: this.linkedReference } : {}),
            })
          : action === 'acknowledge'
            ? await this.api.acknowledge(x.id, this.note)
            : await this.api.reopen(x.id, this.note);
      this.selected.set(done);
      this.note = '';
      await this.loadExceptions();
    }, this.actionProblem);
  }

  private async guard(work: () => Promise<void>, problem = this.problem): Promise<void> {
    problem.set(null);
    try {
      await work();
    } catch (error) {
      problem.set(toProblem(error));
    }
  }
}

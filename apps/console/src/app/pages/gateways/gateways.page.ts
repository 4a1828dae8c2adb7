import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal, type OnInit } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import type { ConnectionResource, MerchantResource, PluginResource } from '@payrail/api-contract';
import { AdminApi } from '../../core/admin.api';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { SessionStore } from '../../core/session.store';
import { ProblemComponent } from '../../shared/problem.component';

const CAPABILITIES: Array<[keyof PluginResource['capabilities'], string]> = [
  ['partial_capture', 'partial capture'],
  ['multiple_captures', 'multiple captures'],
  ['partial_refund', 'partial refund'],
  ['void', 'void'],
  ['three_d_secure', '3-D Secure'],
  ['tokenization', 'tokenization'],
  ['webhooks', 'webhooks'],
  ['settlement_reports', 'settlements'],
];

/** The verdict of a connection's last credential check, as the end of a sentence. */
function verdict(c: ConnectionResource): string {
  const v = c.credential_check;
  if (!v) return '.';
  return v.valid
    ? ': credentials valid.'
    : `: credentials invalid: ${v.problems.join('; ') || 'no reason given'}.`;
}

/** Installed plugins, and connections per merchant with forms drawn from each plugin's fields. */
@Component({
  selector: 'pr-gateways',
  imports: [
    FormsModule,
    DatePipe,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatCheckboxModule,
    ProblemComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    .plugins {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(280px, 1fr));
      gap: 16px;
    }
    .caps {
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
    }
    .cap {
      font-size: 12px;
      padding: 2px 8px;
      border-radius: 10px;
      background: var(--mat-sys-secondary-container);
    }
    td,
    th {
      padding: 8px;
      text-align: left;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
      vertical-align: top;
    }
    form.connection {
      display: grid;
      grid-template-columns: 1fr 1fr;
      gap: 0 16px;
      max-width: 820px;
    }
    .full {
      grid-column: 1 / -1;
    }
    .merchant-filter {
      width: 220px;
    }
    .actions {
      margin: 4px 0 0 -12px;
    }
    .hint {
      word-break: break-all;
    }
    .danger {
      border: 1px solid var(--mat-sys-error);
      border-radius: 8px;
      padding: 8px 12px;
      margin: 8px 0;
      white-space: normal;
      max-width: 320px;
    }
  `,
  template: `
    <div class="page">
      <h1>Gateways</h1>
      <pr-problem [problem]="problem()" />
      @if (plugins().length) {
        <h2>Installed plugins</h2>
        <div class="plugins">
          @for (p of plugins(); track p.code) {
            <section class="card" [attr.aria-label]="p.display_name">
              <h2>
                {{ p.display_name }} <span class="muted">v{{ p.version }}</span>
              </h2>
              @if (p.sdk || p.api_version) {
                <p class="muted" data-testid="plugin-versions">
                  @if (p.sdk) {
                    SDK <span class="mono">{{ p.sdk.package }} {{ p.sdk.version }}</span>
                  }
                  @if (p.api_version) {
                    · API
                    <span class="mono"
                      >{{ p.api_version.header ? p.api_version.header + ': ' : ''
                      }}{{ p.api_version.value }}</span
                    >
                  }
                </p>
              }
              <div class="caps">
                @for (c of capabilityList(p); track c) {
                  <span class="cap">{{ c }}</span>
                }
              </div>
              <p class="muted">
                Currencies:
                {{
                  p.capabilities.currencies === '*'
                    ? 'all'
                    : p.capabilities.currencies.join(', ').toUpperCase()
                }}
              </p>
            </section>
          }
        </div>
      }
      <section class="card">
        <div class="row">
          <h2 class="grow">Connections</h2>
          @if (merchants().length > 1) {
            <mat-form-field class="merchant-filter" subscriptSizing="dynamic">
              <mat-label>Show merchant</mat-label>
              <mat-select name="filter" [(ngModel)]="filterMerchant" (ngModelChange)="load()">
                <mat-option value="">All merchants</mat-option>
                @for (m of merchants(); track m.id) {
                  <mat-option [value]="m.id">{{ m.name }}</mat-option>
                }
              </mat-select>
            </mat-form-field>
          }
          @if (canCreate() && plugins().length) {
            <button mat-flat-button type="button" (click)="openForm()">New connection</button>
          }
        </div>
        <pr-problem [problem]="rowProblem()" />
        @if (notice()) {
          <p role="status" data-testid="connection-notice">{{ notice() }}</p>
        }
        @if (formOpen()) {
          <form
            class="connection card"
            (ngSubmit)="editing() ? save() : create()"
            [attr.aria-label]="editing() ? 'Edit connection' : 'New connection'"
          >
            @if (editing(); as e) {
              <p class="full">
                Editing <strong>{{ e.name }}</strong> · {{ e.gateway }} · {{ e.mode }} ·
                {{ merchantName(e.merchant_id) }}. Secrets left empty keep their stored value.
              </p>
            } @else {
              <mat-form-field>
                <mat-label>Gateway</mat-label>
                <mat-select name="gateway" [(ngModel)]="gateway" (ngModelChange)="values = {}" required>
                  @for (p of plugins(); track p.code) {
                    <mat-option [value]="p.code">{{ p.display_name }}</mat-option>
                  }
                </mat-select>
              </mat-form-field>
              <mat-form-field>
                <mat-label>Merchant</mat-label>
                <mat-select name="merchant" [(ngModel)]="merchantId" required>
                  @for (m of merchants(); track m.id) {
                    <mat-option [value]="m.id">{{ m.name }}</mat-option>
                  }
                </mat-select>
              </mat-form-field>
            }
            <mat-form-field
              ><mat-label>Name</mat-label><input matInput name="name" [(ngModel)]="name"
            /></mat-form-field>
            @if (!editing()) {
              <mat-form-field>
                <mat-label>Mode</mat-label>
                <mat-select name="mode" [(ngModel)]="mode"
                  ><mat-option value="test">Test</mat-option
                  ><mat-option value="live">Live</mat-option></mat-select
                >
              </mat-form-field>
            }
            @for (f of selectedPlugin()?.fields ?? []; track f.key) {
              <mat-form-field [class.full]="f.secret">
                <mat-label>{{ f.label }}</mat-label>
                <input
                  matInput
                  [name]="'field-' + f.key"
                  [type]="f.secret ? 'password' : 'text'"
                  [autocomplete]="f.secret ? 'new-password' : 'off'"
                  [required]="f.required && !(editing() && f.secret)"
                  [placeholder]="
                    editing() && f.secret
                      ? 'unchanged (' + (editing()?.secret_hints?.[f.key] ?? 'stored') + ')'
                      : (f.placeholder ?? '')
                  "
                  [(ngModel)]="values[f.key]"
                />
                @if (f.description) {
                  <mat-hint
                    >{{ f.description }}{{ f.secret ? ' · write-only: never shown again' : '' }}</mat-hint
                  >
                } @else if (f.secret) {
                  <mat-hint>Write-only: never shown again</mat-hint>
                }
              </mat-form-field>
            }
            @if (mode === 'test') {
              <mat-form-field class="full"
                ><mat-label>Sandbox URL (test only)</mat-label
                ><input matInput name="base_url" [(ngModel)]="baseUrl" placeholder="http://127.0.0.1:12111"
              /></mat-form-field>
            }
            <mat-checkbox class="full" name="default" [(ngModel)]="isDefault"
              >Default connection of the merchant</mat-checkbox
            >
            <div class="full"><pr-problem [problem]="formProblem()" /></div>
            <div class="full row">
              <button mat-flat-button type="submit" [disabled]="busy() || !gateway || !merchantId">
                Save and check credentials
              </button>
              <button mat-button type="button" (click)="closeForm()">Cancel</button>
            </div>
          </form>
        }
        <table class="data" aria-label="Connections">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Gateway</th>
              <th scope="col">Mode</th>
              <th scope="col">Credentials</th>
              <th scope="col">Check</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            @for (c of connections(); track c.id) {
              <tr data-testid="connection-row">
                <td>
                  {{ c.name }}
                  @if (c.is_default) {
                    <span class="muted">(default)</span>
                  }
                  <div class="muted mono">{{ c.id }}</div>
                  <div class="actions">
                    @if (canVerify()) {
                      <button mat-button type="button" [disabled]="busy()" (click)="check(c)">
                        Check credentials
                      </button>
                    }
                    @if (canUpdate()) {
                      <button mat-button type="button" (click)="openEdit(c)">Edit</button>
                      <button
                        mat-button
                        type="button"
                        [disabled]="busy()"
                        (click)="setEnabled(c, !c.enabled)"
                      >
                        {{ c.enabled ? 'Disable' : 'Enable' }}
                      </button>
                    }
                    @if (canDelete() && !c.enabled) {
                      <button mat-button type="button" (click)="deleting.set(c.id)">Delete</button>
                    }
                    @if (deleting() === c.id) {
                      <div class="danger" role="alertdialog" aria-label="Confirm delete">
                        <p>
                          Delete {{ c.name }} and its stored credentials? Payments made on it keep their
                          history.
                        </p>
                        <button mat-flat-button type="button" [disabled]="busy()" (click)="remove(c)">
                          Confirm delete
                        </button>
                        <button mat-button type="button" (click)="deleting.set(null)">Cancel</button>
                      </div>
                    }
                  </div>
                </td>
                <td>{{ c.gateway }}</td>
                <td>{{ c.mode }}</td>
                <td>
                  @for (h of hints(c); track h[0]) {
                    <div>
                      <span class="muted">{{ h[0] }}:</span>&nbsp;<span class="mono hint">{{ h[1] }}</span>
                    </div>
                  }
                </td>
                <td data-testid="credential-check">
                  @if (c.credential_check; as v) {
                    <span class="status" [class.ok]="v.valid" [class.bad]="!v.valid">{{
                      v.valid ? 'valid' : 'invalid'
                    }}</span>
                    <span class="muted"> {{ v.mode }} · {{ v.checked_at | date: 'short' }}</span>
                    @for (p of v.problems; track p) {
                      <div class="error-text">{{ p }}</div>
                    }
                  } @else {
                    <span class="muted">not checked</span>
                  }
                </td>
                <td data-testid="connection-state">
                  {{ c.enabled ? 'enabled' : 'disabled' }}
                  @if (merchants().length > 1) {
                    <div class="muted">{{ merchantName(c.merchant_id) }}</div>
                  }
                </td>
              </tr>
            } @empty {
              <tr>
                <td colspan="6" class="muted">No connections yet.</td>
              </tr>
            }
          </tbody>
        </table>
      </section>
    </div>
  `,
})
export class GatewaysPage implements OnInit {
  private readonly api = inject(AdminApi);
  private readonly session = inject(SessionStore);
  readonly plugins = signal<PluginResource[]>([]);
  readonly connections = signal<ConnectionResource[]>([]);
  readonly merchants = signal<MerchantResource[]>([]);
  readonly problem = signal<ApiProblem | null>(null);
  readonly formProblem = signal<ApiProblem | null>(null);
  readonly formOpen = signal(false);
  readonly busy = signal(false);
  readonly rowProblem = signal<ApiProblem | null>(null);
  readonly notice = signal('');
  readonly editing = signal<ConnectionResource | null>(null);
  readonly deleting = signal<string | null>(null);
  readonly canCreate = computed(() => {
    this.session.me();
    return this.session.can('create', 'Connection');
  });
  readonly canUpdate = computed(() => (this.session.me(), this.session.can('update', 'Connection')));
  readonly canVerify = computed(() => (this.session.me(), this.session.can('verify', 'Connection')));
  readonly canDelete = computed(() => (this.session.me(), this.session.can('delete', 'Connection')));
  filterMerchant = '';
  gateway = '';
  merchantId = '';
  name = '';
  mode: 'test' | 'live' = 'test';
  baseUrl = '';
  isDefault = false;
  values: Record<string, string> = {};
  readonly selectedPlugin = () => this.plugins().find((p) => p.code === this.gateway);

  capabilityList(p: PluginResource): string[] {
    return CAPABILITIES.filter(([key]) => p.capabilities[key] === true).map(([, label]) => label);
  }

  /** Public values as they are, secrets only as the API's masked hints. */
  hints(c: ConnectionResource): Array<[string, string]> {
    const fields = this.plugins().find((p) => p.code === c.gateway)?.fields ?? [];
    const label = (key: string) => fields.find((f) => f.key === key)?.label ?? key;
    return [...Object.entries(c.values), ...Object.entries(c.secret_hints)].map(([key, value]) => [
      label(key),
      value,
    ]);
  }

  async ngOnInit(): Promise<void> {
    await Promise.all([this.load(), this.loadMerchants()]);
  }

  merchantName(id: string): string {
    return this.merchants().find((m) => m.id === id)?.name ?? id;
  }

  async openForm(): Promise<void> {
    this.editing.set(null);
    this.gateway = '';
    this.name = '';
    this.values = {};
    this.baseUrl = '';
    this.isDefault = false;
    this.formProblem.set(null);
    this.formOpen.set(true);
    if (!this.merchants().length) await this.loadMerchants();
    this.merchantId = this.merchants().find((m) => m.is_default)?.id ?? this.merchants()[0]?.id ?? '';
  }

  /** The same form, filled with what may be shown: public values as they are, secrets left empty. */
  openEdit(c: ConnectionResource): void {
    this.editing.set(c);
    this.gateway = c.gateway;
    this.merchantId = c.merchant_id;
    this.mode = c.mode;
    this.name = c.name;
    this.values = { ...c.values };
    this.baseUrl = c.base_url ?? '';
    this.isDefault = c.is_default;
    this.formProblem.set(null);
    this.formOpen.set(true);
  }

  closeForm(): void {
    this.formOpen.set(false);
    this.editing.set(null);
    this.values = {};
  }

  async save(): Promise<void> {
    const c = this.editing();
    if (!c) return;
    this.busy.set(true);
    this.formProblem.set(null);
    try {
      const values = Object.fromEntries(
        Object.entries(this.values).filter(([key, v]) => v !== undefined && v !== '' && v !== c.values[key]),
      );
      // Only what changed: a PATCH merges, and secrets not typed again keep their stored value.
      const name = this.name.trim();
      const baseUrl = this.baseUrl.trim() || null;
      const updated = await this.api.updateConnection(c.id, {
        name: name && name !== c.name ? name : undefined,
        values: Object.keys(values).length ? values : undefined,
        base_url: c.mode === 'test' && baseUrl !== c.base_url ? baseUrl : undefined,
        is_default: this.isDefault !== c.is_default ? this.isDefault : undefined,
      });
      this.closeForm();
      await this.load();
      this.notice.set(`${updated.name} saved${verdict(updated)}`);
    } catch (error) {
      this.formProblem.set(toProblem(error));
    } finally {
      this.busy.set(false);
    }
  }

  check(c: ConnectionResource): Promise<void> {
    return this.act(
      async () => `${c.name}: credential check ran${verdict(await this.api.checkConnection(c.id))}`,
    );
  }

  setEnabled(c: ConnectionResource, enabled: boolean): Promise<void> {
    return this.act(async () => {
      await this.api.setConnectionEnabled(c.id, enabled);
      return `${c.name} ${enabled ? 'enabled: payments can use it' : 'disabled: no new payments use it'}.`;
    });
  }

  remove(c: ConnectionResource): Promise<void> {
    return this.act(async () => {
      await this.api.deleteConnection(c.id);
      this.deleting.set(null);
      return `${c.name} deleted, with its stored credentials.`;
    });
  }

  private async act(run: () => Promise<string>): Promise<void> {
    this.busy.set(true);
    this.rowProblem.set(null);
    this.notice.set('');
    try {
      const notice = await run();
      await this.load();
      this.notice.set(notice);
    } catch (error) {
      this.rowProblem.set(toProblem(error));
    } finally {
      this.busy.set(false);
    }
  }

  private async loadMerchants(): Promise<void> {
    if (!this.session.can('read', 'Merchant')) return;
    try {
      this.merchants.set((await this.api.merchants()).data);
    } catch (error) {
      this.formProblem.set(toProblem(error));
    }
  }

  async create(): Promise<void> {
    this.busy.set(true);
    this.formProblem.set(null);
    try {
      const values = Object.fromEntries(
        Object.entries(this.values).filter(([, v]) => v !== undefined && v !== ''),
      );
      await this.api.createConnection({
        merchant_id: this.merchantId,
        gateway: this.gateway,
        mode: this.mode,
        name: this.name.trim() || undefined,
        values,
        base_url: this.mode === 'test' && this.baseUrl.trim() ? this.baseUrl.trim() : undefined,
        is_default: this.isDefault,
      });
      this.values = {};
      this.formOpen.set(false);
      await this.load();
    } catch (error) {
      this.formProblem.set(toProblem(error));
    } finally {
      this.busy.set(false);
    }
  }

  async load(): Promise<void> {
    try {
      const [plugins, connections] = await Promise.all([
        this.session.can('read', 'Plugin')
          ? this.api.plugins()
          : Promise.resolve({ data: [] as PluginResource[] }),
        this.api.connections(this.filterMerchant || undefined),
      ]);
      this.plugins.set(plugins.data);
      this.connections.set(connections.data);
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }
}

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
  styleUrl: './gateways.page.scss',
  templateUrl: './gateways.page.html',
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

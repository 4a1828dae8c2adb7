import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import type {
  GatewayHealthResource,
  MerchantResource,
  RoutingConditionsResource,
  RoutingRuleResource,
  RoutingSimulationResource,
} from '@payrail/api-contract';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { MonitoringApi } from '../../core/monitoring.api';
import { parseMoney } from '../../core/money';
import { SessionStore } from '../../core/session.store';
import { ProblemComponent } from '../../shared/problem.component';
import { listOf, metadataOf, metadataText } from './monitoring-format';

/** A rule's conditions in a line: what a payment must have for it to apply. */
export function describeConditions(c: RoutingConditionsResource): string {
  const parts: string[] = [];
  if (c.currency?.length) parts.push(`currency ${c.currency.map((x) => x.toUpperCase()).join('/')}`);
  if (c.amount_gte !== undefined) parts.push(`amount ≥ ${c.amount_gte}`);
  if (c.amount_lte !== undefined) parts.push(`amount ≤ ${c.amount_lte}`);
  if (c.card_brand?.length) parts.push(`brand ${c.card_brand.join('/')}`);
  if (c.bin_country?.length) parts.push(`BIN country ${c.bin_country.join('/')}`);
  if (c.mode) parts.push(`${c.mode} mode`);
  for (const [key, value] of Object.entries(c.metadata ?? {}))
    parts.push(value === null ? `metadata ${key} present` : `metadata ${key} = ${value}`);
  return parts.length ? parts.join(', ') : 'every payment';
}

/** A merchant's ordered routing rules (edited by those who may) and the simulator. */
@Component({
  selector: 'pr-routing',
  imports: [
    FormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    ProblemComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './monitoring.page.scss',
  templateUrl: './routing.component.html',
})
export class RoutingComponent {
  private readonly api = inject(MonitoringApi);
  private readonly session = inject(SessionStore);
  readonly merchants = input<MerchantResource[]>([]);
  readonly connections = signal<GatewayHealthResource[]>([]);
  readonly merchantId = signal('');
  readonly rules = signal<RoutingRuleResource[]>([]);
  readonly problem = signal<ApiProblem | null>(null);
  readonly formProblem = signal<ApiProblem | null>(null);
  readonly notice = signal('');
  readonly busy = signal(false);
  readonly formOpen = signal(false);
  readonly editing = signal<RoutingRuleResource | null>(null);
  readonly deleting = signal<string | null>(null);
  readonly canCreate = computed(() => (this.session.me(), this.session.can('create', 'RoutingRule')));
  readonly canUpdate = computed(() => (this.session.me(), this.session.can('update', 'RoutingRule')));
  readonly canDelete = computed(() => (this.session.me(), this.session.can('delete', 'RoutingRule')));
  readonly merchantConnections = computed(() =>
    this.connections().filter((c) => c.merchant_id === this.merchantId()),
  );
  readonly describe = describeConditions;

  // The rule form.
  name = '';
  position: number | null = null;
  enabled = true;
  currency = '';
  amountGte: number | null = null;
  amountLte: number | null = null;
  cardBrand = '';
  binCountry = '';
  mode: '' | 'test' | 'live' = '';
  metadata = '';
  readonly chosen = signal<string[]>([]);
  addConnection = '';

  // The simulator.
  simAmount = '10.00';
  simCurrency = 'usd';
  simMode: 'test' | 'live' = 'test';
  simBrand = '';
  simCountry = '';
  simMetadata = '';
  simMethod: 'card' | 'token' = 'card';
  readonly simulation = signal<RoutingSimulationResource | null>(null);
  readonly simProblem = signal<ApiProblem | null>(null);

  constructor() {
    // The default merchant once the list is there; the rules follow the chosen merchant.
    effect(() => {
      const merchants = this.merchants();
      if (!this.merchantId() && merchants.length)
        this.merchantId.set(merchants.find((m) => m.is_default)?.id ?? merchants[0].id);
    });
    effect(() => {
      const merchant = this.merchantId();
      if (merchant) void this.load();
    });
    void this.loadConnections();
  }

  connectionName(id: string): string {
    const c = this.connections().find((x) => x.connection_id === id);
    return c ? `${c.gateway} · ${c.name} (${c.mode})` : id;
  }

  async loadConnections(): Promise<void> {
    try {
      this.connections.set((await this.api.gateways('1h')).data);
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }

  async load(): Promise<void> {
    this.problem.set(null);
    try {
      this.rules.set((await this.api.routingRules(this.merchantId())).data);
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }

  openNew(): void {
    this.fill(null);
  }

  openEdit(rule: RoutingRuleResource): void {
    this.fill(rule);
  }

  private fill(rule: RoutingRuleResource | null): void {
    const c = rule?.conditions ?? {};
    this.editing.set(rule);
    this.name = rule?.name ?? '';
    this.position = rule?.position ?? null;
    this.enabled = rule?.enabled ?? true;
    this.currency = (c.currency ?? []).join(', ');
    this.amountGte = c.amount_gte ?? null;
    this.amountLte = c.amount_lte ?? null;
    this.cardBrand = (c.card_brand ?? []).join(', ');
    this.binCountry = (c.bin_country ?? []).join(', ');
    this.mode = c.mode ?? '';
    this.metadata = metadataText(c.metadata);
    this.chosen.set([...(rule?.connection_ids ?? [])]);
    this.addConnection = '';
    this.formProblem.set(null);
    this.formOpen.set(true);
  }

  closeForm(): void {
    this.formOpen.set(false);
    this.editing.set(null);
  }

  add(id: string): void {
    if (id && !this.chosen().includes(id)) this.chosen.update((list) => [...list, id]);
    this.addConnection = '';
  }

  moveUp(index: number): void {
    if (index <= 0) return;
    this.chosen.update((list) => {
      const next = [...list];
      [next[index - 1], next[index]] = [next[index], next[index - 1]];
      return next;
    });
  }

  removeAt(index: number): void {
    this.chosen.update((list) => list.filter((_, i) => i !== index));
  }

  conditions(): RoutingConditionsResource {
    const out: RoutingConditionsResource = {};
    const currency = listOf(this.currency);
    if (currency) out.currency = currency;
    if (this.amountGte !== null && String(this.amountGte) !== '') out.amount_gte = Number(this.amountGte);
    if (this.amountLte !== null && String(this.amountLte) !== '') out.amount_lte = Number(this.amountLte);
    const brand = listOf(this.cardBrand);
    if (brand) out.card_brand = brand;
    const country = listOf(this.binCountry);
    if (country) out.bin_country = country.map((x) => x.toUpperCase());
    if (this.mode) out.mode = this.mode;
    const metadata = metadataOf(this.metadata);
    if (metadata) out.metadata = metadata;
    return out;
  }

  async save(): Promise<void> {
    this.busy.set(true);
    this.formProblem.set(null);
    this.notice.set('');
    const rule = this.editing();
    const body = {
      name: this.name.trim(),
      enabled: this.enabled,
      conditions: this.conditions(),
      connection_ids: this.chosen(),
      ...(this.position !== null && String(this.position) !== '' ? { position: Number(this.position) } : {}),
    };
    try {
      const saved = rule
        ? await this.api.updateRoutingRule(rule.id, body)
        : await this.api.createRoutingRule({ ...body, merchant_id: this.merchantId() });
      this.closeForm();
      await this.load();
      this.notice.set(`Rule “${saved.name}” saved.`);
    } catch (error) {
      this.formProblem.set(toProblem(error));
    } finally {
      this.busy.set(false);
    }
  }

  async remove(rule: RoutingRuleResource): Promise<void> {
    this.busy.set(true);
    this.problem.set(null);
    try {
      await this.api.deleteRoutingRule(rule.id);
      this.deleting.set(null);
      await this.load();
      this.notice.set(`Rule “${rule.name}” deleted.`);
    } catch (error) {
      this.problem.set(toProblem(error));
    } finally {
      this.busy.set(false);
    }
  }

  async simulate(): Promise<void> {
    this.simProblem.set(null);
    this.simulation.set(null);
    const amount = parseMoney(this.simAmount, this.simCurrency.toUpperCase());
    if ('error' in amount) {
      this.simProblem.set({ status: 400, code: 'parameter_invalid', message: amount.error, param: 'amount' });
      return;
    }
    const metadata = metadataOf(this.simMetadata);
    try {
      this.simulation.set(
        await this.api.simulate({
          merchant_id: this.merchantId(),
          amount: amount.minor,
          currency: this.simCurrency.trim().toLowerCase(),
          mode: this.simMode,
          card_brand: this.simBrand.trim() || undefined,
          bin_country: this.simCountry.trim() || undefined,
          metadata: metadata
            ? Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, v ?? '']))
            : undefined,
          payment_method: this.simMethod,
        }),
      );
    } catch (error) {
      this.simProblem.set(toProblem(error));
    }
  }

  ruleName(id: string | null): string {
    if (!id) return '';
    return this.rules().find((r) => r.id === id)?.name ?? id;
  }
}

import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal, type OnInit } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatTabsModule } from '@angular/material/tabs';
import { RouterLink } from '@angular/router';
import type {
  CreatedWebhookEndpointResource,
  InboxEventResource,
  MerchantResource,
  WebhookDeliveryResource,
  WebhookDeliveryState,
  WebhookEndpointResource,
} from '@payrail/api-contract';
import { AdminApi } from '../../core/admin.api';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { SessionStore } from '../../core/session.store';
import { ProblemComponent } from '../../shared/problem.component';
import { SecretOnceComponent } from '../../shared/secret-once.component';

/** The event types an endpoint can ask for (the API refuses others, naming them). */
export const EVENT_TYPES = [
  'payment.authorized',
  'payment.captured',
  'payment.partially_captured',
  'payment.partially_refunded',
  'payment.refunded',
  'payment.voided',
  'payment.failed',
  'payment.requires_action',
  'payment.review_required',
  'refund.succeeded',
  'refund.failed',
] as const;

const DELIVERY_STATES: WebhookDeliveryState[] = ['pending', 'sending', 'succeeded', 'retrying', 'dead'];
const INBOX_STATES = ['received', 'applied', 'ignored', 'failed'];

/** Merchants' webhook endpoints (secret shown once), outbound deliveries (redeliver) and the inbound inbox (replay). */
@Component({
  selector: 'pr-webhooks',
  imports: [
    DatePipe,
    FormsModule,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatTabsModule,
    ProblemComponent,
    SecretOnceComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    td,
    th {
      padding: 8px;
      text-align: left;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
      vertical-align: top;
    }
    td {
      overflow-wrap: anywhere;
    }
    td.keep {
      overflow-wrap: normal;
      white-space: nowrap;
    }
    .tab {
      padding-top: 16px;
    }
    form.grid {
      display: grid;
      grid-template-columns: 2fr 1fr;
      gap: 0 16px;
      max-width: 900px;
    }
    .full {
      grid-column: 1 / -1;
    }
    .url {
      word-break: break-all;
    }
  `,
  template: `
    <div class="page">
      <h1>Webhooks</h1>
      <pr-problem [problem]="problem()" />
      @if (notice()) {
        <p role="status" data-testid="webhooks-notice">{{ notice() }}</p>
      }
      <mat-tab-group animationDuration="0ms" (selectedTabChange)="problem.set(null); notice.set('')">
        @if (canReadEndpoints()) {
          <mat-tab label="Endpoints">
            <div class="tab">
              @if (canCreateEndpoint()) {
                <section class="card" aria-label="New endpoint">
                  <h2>New endpoint</h2>
                  <form class="grid" (ngSubmit)="createEndpoint()" aria-label="New endpoint">
                    <mat-form-field>
                      <mat-label>Endpoint URL</mat-label>
                      <input
                        matInput
                        name="url"
                        type="url"
                        required
                        placeholder="https://shop.example.com/payrail/webhooks"
                        [(ngModel)]="url"
                      />
                      <mat-hint
                        >HTTPS, on a public address: private and loopback addresses are refused.</mat-hint
                      >
                    </mat-form-field>
                    @if (merchants().length > 1) {
                      <mat-form-field>
                        <mat-label>Merchant</mat-label>
                        <mat-select name="merchant" [(ngModel)]="merchantId" required>
                          @for (m of merchants(); track m.id) {
                            <mat-option [value]="m.id">{{ m.name }}</mat-option>
                          }
                        </mat-select>
                      </mat-form-field>
                    } @else {
                      <span></span>
                    }
                    <mat-form-field>
                      <mat-label>Events</mat-label>
                      <mat-select name="events" multiple [(ngModel)]="eventTypes" required>
                        <mat-option value="*">Every event</mat-option>
                        @for (t of eventChoices; track t) {
                          <mat-option [value]="t">{{ t }}</mat-option>
                        }
                      </mat-select>
                    </mat-form-field>
                    <mat-form-field
                      ><mat-label>Description</mat-label
                      ><input matInput name="description" [(ngModel)]="description"
                    /></mat-form-field>
                    <div class="full row">
                      <button mat-flat-button type="submit" [disabled]="busy() || !url.trim()">
                        Add endpoint
                      </button>
                    </div>
                  </form>
                  @if (createdEndpoint(); as e) {
                    <pr-secret-once
                      testId="endpoint-secret"
                      [secret]="e.secret"
                      (done)="createdEndpoint.set(null)"
                    >
                      The signing secret of {{ e.url }}. Copy it now: it is shown only once. Verify the
                      <span class="mono">Payrail-Signature</span> header with it.
                    </pr-secret-once>
                  }
                </section>
              }
              <section class="card">
                <table class="data" aria-label="Endpoints">
                  <thead>
                    <tr>
                      <th scope="col">URL</th>
                      <th scope="col">Events</th>
                      <th scope="col">Secret</th>
                      <th scope="col">State</th>
                      <th scope="col">Added</th>
                    </tr>
                  </thead>
                  <tbody>
                    @for (e of endpoints(); track e.id) {
                      <tr data-testid="endpoint-row">
                        <td class="url">
                          {{ e.url }}
                          @if (e.description) {
                            <div class="muted">{{ e.description }}</div>
                          }
                          <div class="muted mono">{{ e.id }}</div>
                        </td>
                        <td>{{ e.event_types.includes('*') ? 'every event' : e.event_types.join(', ') }}</td>
                        <td class="mono">…{{ e.secret_hint }}</td>
                        <td>{{ e.enabled ? 'enabled' : 'disabled' }}</td>
                        <td>{{ e.created_at | date: 'short' }}</td>
                      </tr>
                    } @empty {
                      <tr>
                        <td colspan="5" class="muted">No endpoints yet.</td>
                      </tr>
                    }
                  </tbody>
                </table>
              </section>
            </div>
          </mat-tab>
        }
        @if (canReadDeliveries()) {
          <mat-tab label="Deliveries">
            <div class="tab">
              <section class="card">
                <form class="row" (ngSubmit)="loadDeliveries()" aria-label="Filter deliveries">
                  <mat-form-field subscriptSizing="dynamic">
                    <mat-label>Delivery state</mat-label>
                    <mat-select name="state" [(ngModel)]="deliveryState">
                      <mat-option value="">Any</mat-option>
                      @for (s of deliveryStates; track s) {
                        <mat-option [value]="s">{{ s }}</mat-option>
                      }
                    </mat-select>
                  </mat-form-field>
                  <button mat-stroked-button type="submit">Show</button>
                </form>
                <table class="data" aria-label="Deliveries">
                  <thead>
                    <tr>
                      <th scope="col">Event</th>
                      <th scope="col">Endpoint</th>
                      <th scope="col">State</th>
                      <th scope="col">Tries</th>
                      <th scope="col">Last answer</th>
                      <th scope="col"><span class="sr-only">Actions</span></th>
                    </tr>
                  </thead>
                  <tbody>
                    @for (d of deliveries(); track d.id) {
                      <tr data-testid="delivery-row">
                        <td>
                          {{ d.event_type }}
                          <div class="muted mono">{{ d.event_id }}</div>
                        </td>
                        <td class="url">{{ endpointUrl(d.endpoint_id) }}</td>
                        <td class="keep">
                          <span
                            class="status"
                            data-testid="delivery-state"
                            [class.ok]="d.state === 'succeeded'"
                            [class.bad]="d.state === 'dead'"
                            [class.wait]="d.state === 'retrying' || d.state === 'pending'"
                            >{{ d.state }}</span
                          >
                          @if (d.next_attempt_at && d.state === 'retrying') {
                            <div class="muted">next {{ d.next_attempt_at | date: 'mediumTime' }}</div>
                          }
                        </td>
                        <td>{{ d.attempts }}</td>
                        <td>
                          @if (d.last_status_code) {
                            HTTP {{ d.last_status_code }}
                          }
                          @if (d.last_error) {
                            <div class="error-text">{{ d.last_error }}</div>
                          }
                        </td>
                        <td class="keep">
                          @if (canRedeliver() && d.state !== 'sending') {
                            <button
                              mat-button
                              type="button"
                              [disabled]="busy()"
                              [attr.aria-label]="'Redeliver ' + d.event_type + ' ' + d.event_id"
                              (click)="redeliver(d)"
                            >
                              Redeliver
                            </button>
                          }
                        </td>
                      </tr>
                    } @empty {
                      <tr>
                        <td colspan="6" class="muted">No deliveries.</td>
                      </tr>
                    }
                  </tbody>
                </table>
              </section>
            </div>
          </mat-tab>
        }
        @if (canReadInbox()) {
          <mat-tab label="Inbox">
            <div class="tab">
              <section class="card">
                <form class="row" (ngSubmit)="loadInbox()" aria-label="Filter the inbox">
                  <mat-form-field subscriptSizing="dynamic">
                    <mat-label>Inbox state</mat-label>
                    <mat-select name="inbox-state" [(ngModel)]="inboxState">
                      <mat-option value="">Any</mat-option>
                      @for (s of inboxStates; track s) {
                        <mat-option [value]="s">{{ s }}</mat-option>
                      }
                    </mat-select>
                  </mat-form-field>
                  <mat-form-field subscriptSizing="dynamic"
                    ><mat-label>Payment reference</mat-label
                    ><input matInput name="reference" [(ngModel)]="reference"
                  /></mat-form-field>
                  <button mat-stroked-button type="submit">Show</button>
                </form>
                <table class="data" aria-label="Inbox">
                  <thead>
                    <tr>
                      <th scope="col">Gateway event</th>
                      <th scope="col">Payment</th>
                      <th scope="col">State</th>
                      <th scope="col">Effect</th>
                      <th scope="col">Received</th>
                      <th scope="col"><span class="sr-only">Actions</span></th>
                    </tr>
                  </thead>
                  <tbody>
                    @for (e of inbox(); track e.id) {
                      <tr data-testid="inbox-row">
                        <td>
                          {{ e.gateway }} · {{ e.gateway_event_type }}
                          <div class="muted mono">{{ e.gateway_event_id }}</div>
                        </td>
                        <td>
                          @if (e.effect?.payment_id; as paymentId) {
                            <a [routerLink]="['/payments', paymentId]" class="mono">{{ paymentId }}</a>
                          } @else {
                            <span class="mono muted">{{ e.payment_reference ?? '–' }}</span>
                          }
                        </td>
                        <td class="keep">
                          <span
                            class="status"
                            [class.ok]="e.state === 'applied'"
                            [class.bad]="e.state === 'failed'"
                            >{{ e.state }}</span
                          >
                          @if (e.replays) {
                            <div class="muted">replayed {{ e.replays }}×</div>
                          }
                        </td>
                        <td data-testid="inbox-effect">
                          {{ e.effect?.message ?? '' }}
                          @if (e.last_error) {
                            <div class="error-text">{{ e.last_error }}</div>
                          }
                        </td>
                        <td>{{ e.received_at | date: 'short' }}</td>
                        <td class="keep">
                          @if (canReplay()) {
                            <button
                              mat-button
                              type="button"
                              [disabled]="busy()"
                              [attr.aria-label]="'Replay ' + e.gateway_event_id"
                              (click)="replay(e)"
                            >
                              Replay
                            </button>
                          }
                        </td>
                      </tr>
                    } @empty {
                      <tr>
                        <td colspan="6" class="muted">No inbound events.</td>
                      </tr>
                    }
                  </tbody>
                </table>
              </section>
            </div>
          </mat-tab>
        }
      </mat-tab-group>
    </div>
  `,
})
export class WebhooksPage implements OnInit {
  private readonly api = inject(AdminApi);
  private readonly session = inject(SessionStore);
  readonly eventChoices = EVENT_TYPES;
  readonly deliveryStates = DELIVERY_STATES;
  readonly inboxStates = INBOX_STATES;
  readonly endpoints = signal<WebhookEndpointResource[]>([]);
  readonly deliveries = signal<WebhookDeliveryResource[]>([]);
  readonly inbox = signal<InboxEventResource[]>([]);
  readonly merchants = signal<MerchantResource[]>([]);
  readonly createdEndpoint = signal<CreatedWebhookEndpointResource | null>(null);
  readonly problem = signal<ApiProblem | null>(null);
  readonly notice = signal('');
  readonly busy = signal(false);
  private readonly can = (action: string, subject: string) =>
    computed(() => (this.session.me(), this.session.can(action, subject)));
  readonly canReadEndpoints = this.can('read', 'WebhookEndpoint');
  readonly canCreateEndpoint = this.can('create', 'WebhookEndpoint');
  readonly canReadDeliveries = this.can('read', 'WebhookDelivery');
  readonly canRedeliver = this.can('retry', 'WebhookDelivery');
  readonly canReadInbox = this.can('read', 'InboxEvent');
  readonly canReplay = this.can('replay', 'InboxEvent');
  url = '';
  merchantId = '';
  eventTypes: string[] = ['*'];
  description = '';
  deliveryState: WebhookDeliveryState | '' = '';
  inboxState = '';
  reference = '';

  async ngOnInit(): Promise<void> {
    await Promise.all([
      this.canReadEndpoints() ? this.loadEndpoints() : undefined,
      this.canReadDeliveries() ? this.loadDeliveries() : undefined,
      this.canReadInbox() ? this.loadInbox() : undefined,
      this.canCreateEndpoint() ? this.loadMerchants() : undefined,
    ]);
  }

  endpointUrl(id: string): string {
    return this.endpoints().find((e) => e.id === id)?.url ?? id;
  }

  async createEndpoint(): Promise<void> {
    this.busy.set(true);
    this.problem.set(null);
    try {
      this.createdEndpoint.set(
        await this.api.createWebhookEndpoint({
          url: this.url.trim(),
          event_types: this.eventTypes.includes('*') ? ['*'] : this.eventTypes,
          description: this.description.trim() || undefined,
          merchant_id: this.merchantId || undefined,
        }),
      );
      this.url = '';
      this.description = '';
      await this.loadEndpoints();
    } catch (error) {
      this.problem.set(toProblem(error));
    } finally {
      this.busy.set(false);
    }
  }

  async redeliver(d: WebhookDeliveryResource): Promise<void> {
    await this.act(async () => {
      await this.api.redeliver(d.id);
      // The relay sends it within moments: follow it for a few seconds so the outcome shows here.
      const pending = (x: WebhookDeliveryResource) => x.attempts === d.attempts || x.state === 'sending';
      let after = await this.api.webhookDelivery(d.id);
      for (let i = 0; i < 10 && pending(after); i++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        after = await this.api.webhookDelivery(d.id);
      }
      await this.loadDeliveries();
      if (pending(after))
        return `${d.event_type} is queued to be sent again to ${this.endpointUrl(d.endpoint_id)}.`;
      return `${d.event_type} sent again to ${this.endpointUrl(d.endpoint_id)}: ${after.state}${
        after.last_status_code ? ` (HTTP ${after.last_status_code})` : ''
      }.`;
    });
  }

  async replay(e: InboxEventResource): Promise<void> {
    await this.act(async () => {
      let after = await this.api.replayInbox(e.id);
      // A job applies it again within moments: follow it so the effect shows here.
      for (let i = 0; i < 10 && after.state === 'received'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        after = await this.api.inboxEvent(e.id);
      }
      await this.loadInbox();
      if (after.state === 'received') return `${e.gateway_event_id} is queued to be applied again.`;
      return `${e.gateway_event_id} applied again: ${after.state}. ${after.effect?.message ?? ''}`.trim();
    });
  }

  async loadEndpoints(): Promise<void> {
    try {
      this.endpoints.set((await this.api.webhookEndpoints()).data);
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }

  async loadDeliveries(): Promise<void> {
    try {
      this.deliveries.set((await this.api.webhookDeliveries({ state: this.deliveryState })).data);
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }

  async loadInbox(): Promise<void> {
    try {
      this.inbox.set(
        (await this.api.inbox({ state: this.inboxState, payment_reference: this.reference.trim() })).data,
      );
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }

  private async loadMerchants(): Promise<void> {
    const merchants = (await this.api.merchants().catch(() => ({ data: [] as MerchantResource[] }))).data;
    this.merchants.set(merchants);
    this.merchantId = merchants.find((m) => m.is_default)?.id ?? merchants[0]?.id ?? '';
  }

  private async act(run: () => Promise<string>): Promise<void> {
    this.busy.set(true);
    this.problem.set(null);
    this.notice.set('');
    try {
      this.notice.set(await run());
    } catch (error) {
      this.problem.set(toProblem(error));
    } finally {
      this.busy.set(false);
    }
  }
}

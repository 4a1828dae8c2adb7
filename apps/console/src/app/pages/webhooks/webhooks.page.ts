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
import { TestDataBadgeComponent } from '../../shared/test-data-badge.component';
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
    TestDataBadgeComponent,
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
  styleUrl: './webhooks.page.scss',
  templateUrl: './webhooks.page.html',
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
      // The relay sends it within moments: follow it so the outcome shows here.
      const pending = (x: WebhookDeliveryResource) => x.attempts === d.attempts || x.state === 'sending';
      const after = await follow(() => this.api.webhookDelivery(d.id), pending);
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
      const replayed = await this.api.replayInbox(e.id);
      // A job applies it again within moments: follow it so the effect shows here.
      const after =
        replayed.state === 'received'
          ? await follow(
              () => this.api.inboxEvent(e.id),
              (x) => x.state === 'received',
            )
          : replayed;
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

/**
 * Reads `read()` every half second while `pending` holds, for up to 15 s: long enough for a busy
 * relay or job queue to get to it, short enough that the notice then says it is still queued.
 */
async function follow<T>(read: () => Promise<T>, pending: (x: T) => boolean): Promise<T> {
  let current = await read();
  for (let i = 0; i < 30 && pending(current); i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    current = await read();
  }
  return current;
}

import { Module, type DynamicModule } from '@nestjs/common';
import { GatewaysModule } from '@payrail/gateways';
import { IdentityModule } from '@payrail/identity';
import { PaymentsModule } from '@payrail/payments';
import { AdminWebhooksController } from './admin-webhooks.controller';
import { EndpointsService } from './endpoints.service';
import { InboxEvent } from './inbox-event.entity';
import { InboxService } from './inbox.service';
import { MerchantWebhooksController } from './merchant-webhooks.controller';
import { OutboxEvent } from './outbox-event.entity';
import { OutboxService } from './outbox.service';
import { WebhookDeliveryAttempt } from './webhook-delivery-attempt.entity';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WEBHOOKS_OPTIONS, type WebhooksModuleOptions } from './webhooks.options';

export const WEBHOOK_ENTITIES = [
  InboxEvent,
  WebhookEndpoint,
  OutboxEvent,
  WebhookDelivery,
  WebhookDeliveryAttempt,
];

/**
 * `WebhooksModule.forRoot(options)`: the inbound inbox and outbound deliveries. Needs
 * `JobsModule`, the host's `TransactionRunner` and `SecretBox`.
 */
@Module({})
export class WebhooksModule {
  static forRoot(options: WebhooksModuleOptions = {}): DynamicModule {
    return {
      module: WebhooksModule,
      imports: [PaymentsModule, GatewaysModule, IdentityModule],
      controllers: [MerchantWebhooksController, AdminWebhooksController],
      providers: [
        { provide: WEBHOOKS_OPTIONS, useValue: options },
        InboxService,
        EndpointsService,
        OutboxService,
      ],
      exports: [InboxService, EndpointsService, OutboxService],
    };
  }
}

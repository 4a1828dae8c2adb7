import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GatewaysModule } from '@payrail/gateways';
import { IdentityModule } from '@payrail/identity';
import { IdempotencyRecord } from './entities/idempotency-record.entity';
import { PaymentAttempt } from './entities/payment-attempt.entity';
import { PaymentEvent } from './entities/payment-event.entity';
import { Payment } from './entities/payment.entity';
import { Refund } from './entities/refund.entity';
import { AdminPaymentsController } from './admin-payments.controller';
import { AdminPaymentsService } from './admin-payments.service';
import { AttemptRunner } from './attempt-runner';
import { OutcomesInFlight } from './outcomes-in-flight';
import { CustomerGatewayProfile } from './customers/customer-gateway-profile.entity';
import { Customer } from './customers/customer.entity';
import { AdminCustomersController } from './customers/admin-customers.controller';
import { AdminCustomersService } from './customers/admin-customers.service';
import { CustomersController } from './customers/customers.controller';
import { CustomersService } from './customers/customers.service';
import { SavedPaymentMethod } from './customers/saved-payment-method.entity';
import { Dispute } from './disputes/dispute.entity';
import { DisputeEvidenceFileRecord } from './disputes/dispute-evidence-file.entity';
import { AdminDisputesController } from './disputes/admin-disputes.controller';
import { DisputesController } from './disputes/disputes.controller';
import { DisputesService } from './disputes/disputes.service';
import { GatewayInvoker } from './gateway-invoker';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyService } from './idempotency.service';
import { PaymentCaptures } from './payment-captures';
import { PaymentChangeFeed } from './payment-changes';
import { PaymentCreation } from './payment-creation';
import { PaymentLedger } from './payment-ledger';
import { PaymentOutcomes } from './payment-outcomes';
import { PaymentReads } from './payment-reads';
import { PaymentRefunds } from './payment-refunds';
import { PaymentResumption } from './payment-resumption';
import { PaymentTimeline } from './payment-timeline';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';
import { RecoveryService } from './recovery.service';
import { WebhookIntakeService } from './webhook-intake.service';
import { WebhooksController } from './webhooks.controller';
import { PaymentFailover } from './routing/payment-failover';
import { PaymentRouting } from './routing/payment-routing';
import { RoutingRule } from './routing/routing-rule.entity';
import { RoutingController } from './routing/routing.controller';
import { RoutingRulesService } from './routing/routing-rules.service';

export const PAYMENT_ENTITIES = [
  Payment,
  PaymentAttempt,
  PaymentEvent,
  Refund,
  IdempotencyRecord,
  Customer,
  CustomerGatewayProfile,
  SavedPaymentMethod,
  Dispute,
  DisputeEvidenceFileRecord,
  RoutingRule,
];

@Module({
  imports: [TypeOrmModule.forFeature(PAYMENT_ENTITIES), GatewaysModule, IdentityModule],
  controllers: [
    PaymentsController,
    CustomersController,
    DisputesController,
    WebhooksController,
    AdminPaymentsController,
    AdminCustomersController,
    AdminDisputesController,
    RoutingController,
  ],
  providers: [
    AdminCustomersService,
    PaymentChangeFeed,
    PaymentTimeline,
    PaymentLedger,
    PaymentOutcomes,
    AttemptRunner,
    OutcomesInFlight,
    PaymentReads,
    PaymentCreation,
    CustomersService,
    DisputesService,
    PaymentCaptures,
    PaymentRefunds,
    PaymentResumption,
    PaymentsService,
    AdminPaymentsService,
    RecoveryService,
    IdempotencyService,
    IdempotencyInterceptor,
    GatewayInvoker,
    WebhookIntakeService,
    RoutingRulesService,
    PaymentRouting,
    PaymentFailover,
  ],
  exports: [
    CustomersService,
    GatewayInvoker,
    DisputesService,
    PaymentsService,
    RecoveryService,
    IdempotencyService,
    WebhookIntakeService,
  ],
})
export class PaymentsModule {}

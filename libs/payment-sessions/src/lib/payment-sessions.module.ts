import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GatewaysModule } from '@payrail/gateways';
import { IdentityModule } from '@payrail/identity';
import { PaymentsModule } from '@payrail/payments';
import { CheckoutCorsMiddleware } from './checkout-cors.middleware';
import { CheckoutOrigin } from './checkout-origin.entity';
import { CheckoutOriginsService } from './checkout-origins.service';
import { PaymentSession } from './payment-session.entity';
import {
  CheckoutClientController,
  CheckoutOriginsController,
  PaymentSessionsController,
} from './payment-sessions.controller';
import { PAYMENT_SESSIONS_OPTIONS, type PaymentSessionsOptions } from './payment-sessions.options';
import { PaymentSessionsService } from './payment-sessions.service';

export const PAYMENT_SESSION_ENTITIES = [PaymentSession, CheckoutOrigin];

/** `PaymentSessionsModule.forRoot({ publicUrl })`: sessions a customer's browser completes. */
@Module({})
export class PaymentSessionsModule {
  static forRoot(options: PaymentSessionsOptions): DynamicModule {
    return {
      module: PaymentSessionsModule,
      imports: [
        TypeOrmModule.forFeature(PAYMENT_SESSION_ENTITIES),
        PaymentsModule,
        GatewaysModule,
        IdentityModule,
      ],
      controllers: [PaymentSessionsController, CheckoutClientController, CheckoutOriginsController],
      providers: [
        { provide: PAYMENT_SESSIONS_OPTIONS, useValue: options },
        PaymentSessionsService,
        CheckoutOriginsService,
        CheckoutCorsMiddleware,
      ],
      exports: [PaymentSessionsService, CheckoutOriginsService],
    };
  }
}

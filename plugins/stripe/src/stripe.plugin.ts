import { Module, type DynamicModule } from '@nestjs/common';
import { STRIPE_PLUGIN_OPTIONS, StripeGateway, type StripePluginOptions } from './stripe.gateway';

/** The Stripe gateway plugin: `StripePlugin.forRoot()` provides a `StripeGateway` the API discovers. */
@Module({})
export class StripePlugin {
  static forRoot(options: StripePluginOptions = {}): DynamicModule {
    const tolerance = options.webhookToleranceSeconds;
    if (tolerance !== undefined && (!Number.isInteger(tolerance) || tolerance < 1 || tolerance > 3600)) {
      throw new Error(
        `StripePlugin webhookToleranceSeconds must be a whole number of seconds from 1 to 3600, not ${String(tolerance)}`,
      );
    }
    return {
      module: StripePlugin,
      providers: [{ provide: STRIPE_PLUGIN_OPTIONS, useValue: options }, StripeGateway],
      exports: [StripeGateway],
    };
  }
}

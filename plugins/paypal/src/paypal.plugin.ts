import { Module, type DynamicModule } from '@nestjs/common';
import { PAYPAL_PLUGIN_OPTIONS, PayPalGateway, type PayPalPluginOptions } from './paypal.gateway';

/** Registers the PayPal gateway; the API discovers it through `@RegisterGateway()`. */
@Module({})
export class PayPalPlugin {
  static forRoot(options: PayPalPluginOptions = {}): DynamicModule {
    return {
      module: PayPalPlugin,
      providers: [{ provide: PAYPAL_PLUGIN_OPTIONS, useValue: options }, PayPalGateway],
      exports: [PayPalGateway],
    };
  }
}

import type { DynamicModule } from '@nestjs/common';
import { PayPalPlugin } from '@payrail/plugin-paypal';
import { SquarePlugin } from '@payrail/plugin-square';
import { StripePlugin } from '@payrail/plugin-stripe';
import type { PayrailConfig } from './config';

/** The installed gateway plugins, by code; PAYRAIL_PLUGINS says which are enabled. */
const INSTALLED: Record<string, () => DynamicModule> = {
  stripe: () => StripePlugin.forRoot(),
  paypal: () => PayPalPlugin.forRoot(),
  square: () => SquarePlugin.forRoot(),
};

export function pluginModules(config: PayrailConfig): DynamicModule[] {
  return config.plugins.filter((code) => INSTALLED[code]).map((code) => INSTALLED[code]());
}

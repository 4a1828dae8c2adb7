import type { DynamicModule } from '@nestjs/common';
import type { GatewayDescriptor } from '@payrail/plugin-sdk';
import { PAYPAL_DESCRIPTOR } from '@payrail/plugin-paypal';
import { SQUARE_DESCRIPTOR } from '@payrail/plugin-square';
import { STRIPE_DESCRIPTOR } from '@payrail/plugin-stripe';
import type { PayrailConfig } from './config';

/**
 * The installed gateway plugins: the one list a new gateway joins. Configuration, sandbox
 * seeding, the redactor, the inbox and the terminal read everything else from the descriptors.
 */
export const INSTALLED: readonly GatewayDescriptor[] = [
  STRIPE_DESCRIPTOR,
  PAYPAL_DESCRIPTOR,
  SQUARE_DESCRIPTOR,
];

export function installedDescriptor(code: string): GatewayDescriptor | undefined {
  return INSTALLED.find((d) => d.code === code);
}

/** The modules of the plugins PAYRAIL_PLUGINS enables. */
export function pluginModules(config: PayrailConfig): DynamicModule[] {
  return config.plugins.flatMap((code) => installedDescriptor(code)?.module() ?? []);
}

import { SetMetadata, type Type } from '@nestjs/common';
import type { PaymentGateway } from './gateway';

/** Metadata key the API's gateway registry looks for among all providers. */
export const GATEWAY_PROVIDER = Symbol.for('payrail.gateway');

/**
 * Marks a provider as a payment gateway. A plugin is an ordinary Nest module whose
 * `forRoot()` provides one class so marked; the API discovers it, the core never imports it.
 */
export const RegisterGateway = (): ClassDecorator => SetMetadata(GATEWAY_PROVIDER, true);

export function isGatewayClass(type: Type<unknown> | undefined): boolean {
  return !!type && Reflect.getMetadata(GATEWAY_PROVIDER, type) === true;
}

export type { PaymentGateway };

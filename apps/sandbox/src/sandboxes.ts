import type { SandboxDescriptor } from '@payrail/plugin-sdk';
import { PAYPAL_SANDBOX } from './paypal';
import { SQUARE_SANDBOX } from './square';
import { STRIPE_SANDBOX } from './stripe';

/**
 * The gateway sandboxes, by gateway code: the development-side twin of the API's installed
 * plugins (production code never imports a sandbox, so the two lists meet only in specs).
 */
export const SANDBOXES: readonly SandboxDescriptor[] = [STRIPE_SANDBOX, PAYPAL_SANDBOX, SQUARE_SANDBOX];

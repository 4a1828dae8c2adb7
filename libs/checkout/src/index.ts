export { PayrailCheckout, definePayrailCheckout } from './lib/payrail-checkout';
export { formatAmount } from './lib/format';
export type { PayrailFailedDetail, PayrailSucceededDetail } from './lib/payrail-checkout';
import { definePayrailCheckout } from './lib/payrail-checkout';

definePayrailCheckout();

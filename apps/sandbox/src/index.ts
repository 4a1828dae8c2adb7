export { startStripeSandbox, STRIPE_SANDBOX_DEFAULTS, type StripeSandbox } from './stripe';
export { startPayPalSandbox, PAYPAL_SANDBOX_DEFAULTS, type PayPalSandbox } from './paypal';
export { startSquareSandbox, SQUARE_SANDBOX_DEFAULTS, type SquareSandbox } from './square';
export { SANDBOXES } from './sandboxes';

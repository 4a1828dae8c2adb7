/**
 * Currency lists gateways publish, kept once for both sides that need them: the plugin refuses
 * what the gateway would refuse before any call, and its sandbox refuses the same. Both sides
 * may import the SDK; neither may import the other.
 */

/** Currencies PayPal takes for payments (PayPal's currency-codes reference). */
export const PAYPAL_CURRENCIES = [
  'AUD',
  'BRL',
  'CAD',
  'CNY',
  'CZK',
  'DKK',
  'EUR',
  'HKD',
  'HUF',
  'ILS',
  'JPY',
  'MYR',
  'MXN',
  'TWD',
  'NZD',
  'NOK',
  'PHP',
  'PLN',
  'GBP',
  'SGD',
  'SEK',
  'CHF',
  'THB',
  'USD',
] as const;

/** PayPal takes these in whole units only, although ISO 4217 gives HUF and TWD two decimals. */
export const PAYPAL_WHOLE_UNIT_CURRENCIES: readonly string[] = ['HUF', 'JPY', 'TWD'];

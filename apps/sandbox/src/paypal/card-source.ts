// A raw card in a PayPal request body (orders and the vault check it the same way).
import { luhnValid } from '@payrail/plugin-sdk';
import { issueError } from './paypal-errors';
import type { CardSource } from './paypal-store';
import { cardBrand } from './sandbox-types';

/** Checks `payment_source.card` as PayPal does and keeps only what may be shown again. */
export function readCardSource(card: Record<string, unknown>, field: string, now = new Date()): CardSource {
  const number = typeof card['number'] === 'string' ? card['number'] : '';
  if (!number) throw issueError('MISSING_REQUIRED_PARAMETER', { field: `${field}/number` });
  if (!/^[0-9]{13,19}$/.test(number)) throw issueError('INVALID_STRING_LENGTH', { field: `${field}/number` });
  if (!luhnValid(number)) throw issueError('INVALID_PARAMETER_VALUE', { field: `${field}/number` });
  const expiry = typeof card['expiry'] === 'string' ? card['expiry'] : '';
  if (!expiry) throw issueError('MISSING_REQUIRED_PARAMETER', { field: `${field}/expiry` });
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(expiry);
  if (!match) throw issueError('INVALID_PARAMETER_SYNTAX', { field: `${field}/expiry` });
  if (new Date(Date.UTC(Number(match[1]), Number(match[2]), 1)) <= now)
    throw issueError('CARD_EXPIRED', { field: `${field}/expiry` });
  const cvc = card['security_code'];
  const brand = cardBrand(number);
  if (cvc !== undefined && (typeof cvc !== 'string' || !(brand === 'AMEX' ? /^\d{4}$/ : /^\d{3}$/).test(cvc)))
    throw issueError('INVALID_SECURITY_CODE_LENGTH', { field: `${field}/security_code` });
  const name = typeof card['name'] === 'string' ? card['name'] : undefined;
  return { kind: 'card', name, lastDigits: number.slice(-4), brand, expiry };
}

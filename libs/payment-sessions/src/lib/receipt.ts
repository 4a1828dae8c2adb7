import { toDecimalString } from '@payrail/plugin-sdk';
import type { EmailMessage } from '@payrail/notifications';
import type { Payment } from '@payrail/payments';
import type { PaymentSession } from './payment-session.entity';

/** The customer's receipt for a completed session: plain text, what they paid and for what. */
export function receiptEmail(session: PaymentSession, payment: Payment): EmailMessage {
  const amount = `${toDecimalString(payment.amount, payment.currency)} ${payment.currency}`;
  const card = payment.cardLast4 ? ` with the card ending ${payment.cardLast4}` : '';
  const taken = payment.status === 'authorized' ? 'authorized' : 'paid';
  const lines = [
    session.customerName ? `Hello ${session.customerName},` : 'Hello,',
    '',
    `You ${taken} ${amount}${card}.`,
    ...(session.description ? [`For: ${session.description}`] : []),
    `Payment reference: ${payment.id}`,
    `Date: ${payment.updatedAt.toISOString().slice(0, 10)}`,
    '',
    'Keep this email as your receipt.',
  ];
  return {
    to: session.customerEmail as string,
    subject: `Your receipt: ${amount}`,
    text: lines.join('\n'),
    headers: { 'X-Payrail-Receipt': payment.id },
  };
}

/**
 * What the customer reads when a payment does not go through: in their words, never the
 * merchant's ("ask the customer…"), and never a reason the gateway says to keep from them
 * (a suspected fraud, a card reported lost or stolen gets the generic decline).
 */
const GENERIC_DECLINE = 'Your card was declined. Please try another card or contact your bank.';

const BY_CODE: Readonly<Record<string, string>> = {
  card_declined: GENERIC_DECLINE,
  fraud_suspected: GENERIC_DECLINE,
  insufficient_funds: 'Your card has insufficient funds. Please try another card.',
  expired_card: 'Your card has expired. Please use another card.',
  incorrect_cvc: "The card's security code is incorrect. Please check it and try again.",
  invalid_card_number: 'The card number is not valid. Please check it and try again.',
  authentication_required: 'Your bank could not confirm this payment. Please try again or use another card.',
  processing_error: 'The payment could not be processed. Please try again in a moment.',
  rate_limited: 'The payment service is busy. Please try again in a moment.',
  gateway_unavailable: 'The payment service is unavailable. Please try again in a moment.',
  gateway_timeout: 'The payment service did not answer in time. Please wait a moment before trying again.',
};

/** Gateway decline codes a merchant must not reveal to the customer (Stripe's list, shared by the others' equivalents). */
const UNREVEALED_GATEWAY_CODES = new Set([
  'fraudulent',
  'lost_card',
  'stolen_card',
  'pickup_card',
  'merchant_blacklist',
  'restricted_card',
  'security_violation',
  'PICKUP_CARD',
  'CARD_DECLINED_VERIFICATION_REQUIRED',
]);

/**
 * The line for a failure: the generic decline where the gateway says not to tell, else the
 * knowledge base's customer-facing line when it has one, else Payrail's own for the code.
 */
export function customerMessage(
  code: string | null | undefined,
  gatewayCode?: string | null,
  knowledgeBaseLine?: string | null,
): string {
  if (gatewayCode && UNREVEALED_GATEWAY_CODES.has(gatewayCode)) return GENERIC_DECLINE;
  if (knowledgeBaseLine?.trim()) return knowledgeBaseLine.trim();
  return (code && BY_CODE[code]) || 'The payment did not go through. Please try again or use another card.';
}

/** Documented Stripe test cards (see docs/gateways.md) and what each does in the sandbox. */
// Stripe's brand names are Payrail's own, so the shared detector answers as is.
import { cardBrand } from '@payrail/plugin-sdk';

export interface CardDecline {
  code: string;
  decline_code?: string;
  message: string;
}

export interface CardBehaviour {
  brand: string;
  funding: 'credit' | 'debit' | 'prepaid';
  country: string;
  /** Declined when the charge is attempted. */
  decline?: CardDecline;
  /** Only declines when a CVC was supplied (`incorrect_cvc`). */
  declineNeedsCvc?: boolean;
  /** 3-D Secure: `required` on every on-session payment; `optional` never challenges here. */
  threeDSecure?: 'required' | 'optional' | 'not_supported';
  /** After a successful challenge, the charge still declines. */
  declineAfterAuthentication?: CardDecline;
  refund?: 'pending' | 'fails';
  /** Funds are available at once instead of after the usual two days. */
  bypassPending?: boolean;
  cvcCheck?: 'pass' | 'fail';
  postalCodeCheck?: 'pass' | 'fail';
  /** A dispute opens after the charge is captured; an inquiry moves no money. */
  dispute?: { reason: 'fraudulent' | 'product_not_received'; inquiry?: boolean };
}

export const DECLINES = {
  generic: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
  insufficientFunds: {
    code: 'card_declined',
    decline_code: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  lost: { code: 'card_declined', decline_code: 'lost_card', message: 'Your card was declined.' },
  stolen: { code: 'card_declined', decline_code: 'stolen_card', message: 'Your card was declined.' },
  fraudulent: { code: 'card_declined', decline_code: 'fraudulent', message: 'Your card was declined.' },
  velocity: {
    code: 'card_declined',
    decline_code: 'card_velocity_exceeded',
    message:
      'Your card was declined for making repeated attempts too frequently or exceeding its amount limit.',
  },
  expired: { code: 'expired_card', message: 'Your card has expired.' },
  incorrectCvc: { code: 'incorrect_cvc', message: "Your card's security code is incorrect." },
  processing: {
    code: 'processing_error',
    message: 'An error occurred while processing your card. Try again in a little bit.',
  },
  authenticationRequired: {
    code: 'authentication_required',
    decline_code: 'authentication_required',
    message: 'Your card was declined. This transaction requires authentication.',
  },
} as const satisfies Record<string, CardDecline>;

const visa = (extra: Partial<CardBehaviour> = {}): CardBehaviour => ({
  brand: 'visa',
  funding: 'credit',
  country: 'US',
  ...extra,
});

/** By card number. */
export const TEST_CARDS: Readonly<Record<string, CardBehaviour>> = {
  '4242424242424242': visa(),
  '4000056655665556': visa({ funding: 'debit' }),
  '5555555555554444': { brand: 'mastercard', funding: 'credit', country: 'US' },
  '5200828282828210': { brand: 'mastercard', funding: 'debit', country: 'US' },
  '5105105105105100': { brand: 'mastercard', funding: 'prepaid', country: 'US' },
  '378282246310005': { brand: 'amex', funding: 'credit', country: 'US', threeDSecure: 'not_supported' },
  '6011111111111117': { brand: 'discover', funding: 'credit', country: 'US' },
  '3056930009020004': { brand: 'diners', funding: 'credit', country: 'US' },
  '3566002020360505': { brand: 'jcb', funding: 'credit', country: 'JP' },
  '6200000000000005': { brand: 'unionpay', funding: 'credit', country: 'CN' },
  '4000000000000002': visa({ decline: DECLINES.generic }),
  '4000000000009995': visa({ decline: DECLINES.insufficientFunds }),
  '4000000000009987': visa({ decline: DECLINES.lost }),
  '4000000000009979': visa({ decline: DECLINES.stolen }),
  '4000000000000069': visa({ decline: DECLINES.expired }),
  '4000000000000127': visa({ decline: DECLINES.incorrectCvc, declineNeedsCvc: true, cvcCheck: 'fail' }),
  '4000000000000119': visa({ decline: DECLINES.processing }),
  '4000000000006975': visa({ decline: DECLINES.velocity }),
  '4000000000000341': visa({ decline: DECLINES.generic }),
  '4100000000000019': visa({ decline: DECLINES.fraudulent }),
  '4000000000004954': visa({ decline: DECLINES.fraudulent }),
  '4000000000009235': visa(),
  '4000000000000101': visa({ decline: DECLINES.incorrectCvc, declineNeedsCvc: true, cvcCheck: 'fail' }),
  '4000000000000036': visa({ postalCodeCheck: 'fail' }),
  '4000000000007726': visa({ refund: 'pending' }),
  '4000000000005126': visa({ refund: 'fails' }),
  '4000000000000077': visa({ bypassPending: true }),
  '4000000000000259': visa({ dispute: { reason: 'fraudulent' } }),
  '4000000000002685': visa({ dispute: { reason: 'product_not_received' } }),
  '4000000000001976': visa({ dispute: { reason: 'fraudulent', inquiry: true } }),
  '4000002500003155': visa({ threeDSecure: 'required' }),
  '4000002760003184': visa({ threeDSecure: 'required' }),
  '4000003800000446': visa({ threeDSecure: 'required' }),
  '4000008260003178': visa({
    threeDSecure: 'required',
    declineAfterAuthentication: DECLINES.insufficientFunds,
  }),
  '4000000000003220': visa({ threeDSecure: 'required' }),
  '4000008400001629': visa({ threeDSecure: 'required', declineAfterAuthentication: DECLINES.generic }),
  '4000008400001280': visa({ threeDSecure: 'required', declineAfterAuthentication: DECLINES.processing }),
  '4000000000003055': visa({ threeDSecure: 'optional' }),
};

/** Magic PaymentMethod ids (`pm_card_*`) and their cards; `visa_`-less decline spellings are aliases. */
export const TEST_PAYMENT_METHODS: Readonly<Record<string, string>> = {
  pm_card_visa: '4242424242424242',
  pm_card_visa_debit: '4000056655665556',
  pm_card_mastercard: '5555555555554444',
  pm_card_mastercard_debit: '5200828282828210',
  pm_card_mastercard_prepaid: '5105105105105100',
  pm_card_amex: '378282246310005',
  pm_card_amex_threeDSecureNotSupported: '378282246310005',
  pm_card_discover: '6011111111111117',
  pm_card_diners: '3056930009020004',
  pm_card_jcb: '3566002020360505',
  pm_card_unionpay: '6200000000000005',
  pm_card_visa_chargeDeclined: '4000000000000002',
  pm_card_chargeDeclined: '4000000000000002',
  pm_card_visa_chargeDeclinedInsufficientFunds: '4000000000009995',
  pm_card_chargeDeclinedInsufficientFunds: '4000000000009995',
  pm_card_visa_chargeDeclinedLostCard: '4000000000009987',
  pm_card_chargeDeclinedLostCard: '4000000000009987',
  pm_card_visa_chargeDeclinedStolenCard: '4000000000009979',
  pm_card_chargeDeclinedStolenCard: '4000000000009979',
  pm_card_chargeDeclinedExpiredCard: '4000000000000069',
  pm_card_chargeDeclinedIncorrectCvc: '4000000000000127',
  pm_card_chargeDeclinedProcessingError: '4000000000000119',
  pm_card_visa_chargeDeclinedVelocityLimitExceeded: '4000000000006975',
  pm_card_chargeDeclinedVelocityLimitExceeded: '4000000000006975',
  pm_card_chargeCustomerFail: '4000000000000341',
  pm_card_radarBlock: '4100000000000019',
  pm_card_riskLevelHighest: '4000000000004954',
  pm_card_riskLevelElevated: '4000000000009235',
  pm_card_cvcCheckFail: '4000000000000101',
  pm_card_avsZipFail: '4000000000000036',
  pm_card_pendingRefund: '4000000000007726',
  pm_card_refundFail: '4000000000005126',
  pm_card_bypassPending: '4000000000000077',
  pm_card_createDispute: '4000000000000259',
  pm_card_createDisputeProductNotReceived: '4000000000002685',
  pm_card_createDisputeInquiry: '4000000000001976',
  pm_card_authenticationRequiredOnSetup: '4000002500003155',
  pm_card_authenticationRequired: '4000002760003184',
  pm_card_authenticationRequiredSetupForOffSession: '4000003800000446',
  pm_card_authenticationRequiredChargeDeclinedInsufficientFunds: '4000008260003178',
  pm_card_threeDSecure2Required: '4000000000003220',
  pm_card_threeDSecureRequiredChargeDeclined: '4000008400001629',
  pm_card_threeDSecureRequiredProcessingError: '4000008400001280',
  pm_card_threeDSecureOptional: '4000000000003055',
};

/** Off-session payments on this card succeed as if it had been set up before. */
export const SET_UP_FOR_OFF_SESSION = new Set(['4000003800000446']);

/** This card asks for authentication on every payment, even after a SetupIntent. */
export const AUTHENTICATES_EVERY_PAYMENT = new Set(['4000002760003184']);

/** Magic card tokens (`tok_*`): the PaymentMethod id with `pm_card_` replaced by `tok_`. */
export function testTokenNumber(token: string): string | undefined {
  if (!token.startsWith('tok_')) return undefined;
  return TEST_PAYMENT_METHODS[`pm_card_${token.slice(4)}`];
}

/** What a card number does: a documented test card, or an ordinary approving card of its brand. */
export function behaviourOf(number: string): CardBehaviour {
  return TEST_CARDS[number] ?? { brand: cardBrand(number), funding: 'credit', country: 'US' };
}

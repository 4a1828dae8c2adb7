import { randomBytes } from 'node:crypto';

/** PayPal's error envelope: `{name, message, debug_id, details[], links[]}`. */
export interface PayPalErrorBody {
  name: string;
  message: string;
  debug_id: string;
  details?: { field?: string; value?: string; location?: string; issue: string; description?: string }[];
  links?: { href: string; rel: string; method?: string }[];
}

/** The top-level `name` and `message` PayPal uses for each status. */
const STATUS_NAMES: Record<number, { name: string; message: string }> = {
  400: {
    name: 'INVALID_REQUEST',
    message: 'Request is not well-formed, syntactically incorrect, or violates schema.',
  },
  401: {
    name: 'AUTHENTICATION_FAILURE',
    message:
      'Authentication failed due to missing authorization header, or invalid authentication credentials.',
  },
  403: { name: 'NOT_AUTHORIZED', message: 'Authorization failed due to insufficient permissions.' },
  404: { name: 'RESOURCE_NOT_FOUND', message: 'The specified resource does not exist.' },
  409: {
    name: 'RESOURCE_CONFLICT',
    message: 'The server has detected a conflict while processing this request.',
  },
  415: {
    name: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'The server does not support the request payload’s media type.',
  },
  422: {
    name: 'UNPROCESSABLE_ENTITY',
    message:
      'The requested action could not be performed, semantically incorrect, or failed business validation.',
  },
  429: { name: 'RATE_LIMIT_REACHED', message: 'Too many requests. Blocked due to rate limiting.' },
  500: { name: 'INTERNAL_SERVER_ERROR', message: 'An internal server error has occurred.' },
  503: { name: 'SERVICE_UNAVAILABLE', message: 'Service Unavailable.' },
};

/** Documented issues: the status each answers with and PayPal's description text. */
export const PAYPAL_ISSUES = {
  // 400, every endpoint
  INVALID_PARAMETER_VALUE: [400, 'A parameter value is not valid.'],
  MISSING_REQUIRED_PARAMETER: [400, 'A required field / parameter is missing'],
  INVALID_STRING_LENGTH: [400, 'The value of a field is either too short or too long'],
  INVALID_PARAMETER_SYNTAX: [400, 'The value of a field does not conform to the expected format.'],
  MALFORMED_REQUEST_JSON: [400, 'The request JSON is not well formed.'],
  // Transaction Search
  RESULTSET_TOO_LARGE: [
    400,
    'Result set size is greater than the maximum limit. Change the filter criteria and try again.',
  ],
  // 403 / 404
  PERMISSION_DENIED: [403, 'You do not have permission to access or perform operations on this resource.'],
  INVALID_RESOURCE_ID: [
    404,
    'Specified resource ID does not exist. Please check the resource ID and try again.',
  ],
  // orders
  INVALID_CURRENCY_CODE: [
    422,
    'Currency code is invalid or is not currently supported. Please refer https://developer.paypal.com/api/rest/reference/currency-codes/ for list of supported currency codes.',
  ],
  DECIMAL_PRECISION: [
    422,
    'If the currency supports decimals, only two decimal place precision is supported.',
  ],
  DECIMALS_NOT_SUPPORTED: [
    422,
    'Currency does not support decimals. Please refer to https://developer.paypal.com/docs/api/reference/currency-codes/ for more information.',
  ],
  CANNOT_BE_ZERO_OR_NEGATIVE: [
    422,
    'Must be greater than zero. If the currency supports decimals, only two decimal place precision is supported.',
  ],
  MAX_VALUE_EXCEEDED: [422, 'Should be less than or equal to 999999999999999.99.'],
  CARD_EXPIRED: [422, 'The card is expired'],
  INVALID_SECURITY_CODE_LENGTH: [422, 'The security_code length is invalid for the specified card brand.'],
  ORDER_NOT_APPROVED: [
    422,
    "Payer has not yet approved the Order for payment. Please redirect the payer to the 'rel':'approve' url returned as part of the HATEOAS links within the Create Order call.",
  ],
  ORDER_ALREADY_CAPTURED: [
    422,
    "Order already captured. If 'intent=CAPTURE' only one capture per order is allowed.",
  ],
  ORDER_ALREADY_AUTHORIZED: [
    422,
    "Order already authorized.If 'intent=AUTHORIZE' only one authorization per order is allowed.",
  ],
  ACTION_DOES_NOT_MATCH_INTENT: [
    422,
    "Order was created with an intent to 'CAPTURE'. Please use v2/checkout/orders/order_id/capture to complete the transaction or alternately Create an order with an intent of 'AUTHORIZE'.",
  ],
  INSTRUMENT_DECLINED: [
    422,
    "The instrument presented  was either declined by the processor or bank, or it can't be used for this payment.",
  ],
  TRANSACTION_REFUSED: [422, 'The request was refused.'],
  COMPLIANCE_VIOLATION: [422, 'Transaction is declined due to compliance violation.'],
  TRANSACTION_LIMIT_EXCEEDED: [422, 'Total payment amount exceeded transaction limit.'],
  PAYER_ACTION_REQUIRED: [
    422,
    'Transaction cannot complete successfully, instruct the buyer to return to PayPal.',
  ],
  PAYER_CANNOT_PAY: [
    422,
    'Combination of payer and payee settings mean that this buyer cannot pay this seller.',
  ],
  DUPLICATE_INVOICE_ID: [
    422,
    'Duplicate Invoice ID detected. To avoid a potential duplicate transaction your account setting requires that Invoice Id be unique for each transaction.',
  ],
  MAX_NUMBER_OF_PAYMENT_ATTEMPTS_EXCEEDED: [422, 'You have exceeded the maximum number of payment attempts.'],
  ORDER_CANNOT_BE_CONFIRMED: [422, "An order with status = 'COMPLETED' cannot be confirmed again."],
  ONLY_ONE_PAYMENT_SOURCE_ALLOWED: [
    422,
    'More than one payment method within the payment source is not supported.',
  ],
  // authorizations
  AUTHORIZATION_ALREADY_CAPTURED: [422, 'Authorization has previously been captured.'],
  AUTHORIZATION_VOIDED: [422, 'A voided authorization cannot be captured or reauthorized. '],
  AUTHORIZATION_EXPIRED: [422, 'An expired authorization cannot be captured.'],
  AUTHORIZATION_DENIED: [422, 'An denied authorization cannot be captured.'],
  MAX_CAPTURE_AMOUNT_EXCEEDED: [
    422,
    'Capture amount exceeds allowable limit. Please contact customer service or your account manager to request the change to your overage limit. The default overage limit is 115%, which allows the sum of all captures to be up to 115% of the order amount. The ability to over capture is subjected to regulatory approvals.',
  ],
  MAX_CAPTURE_COUNT_EXCEEDED: [
    422,
    'Maxmimum number of allowable captures has been reached. No additional captures are possible for this authorization. Contact Customer Service or your account manager to change the number of captures for a given authorization.',
  ],
  CURRENCY_MISMATCH: [422, 'Currency of capture must be the same as currency of authorization.'],
  REAUTHORIZATION_NOT_SUPPORTED: [
    422,
    'A reauthorize cannot be attempted on an authorization_id that is the result of a prior reauthorization or on an authorization made on an Order saved using the `v2/orders/id/save` API.',
  ],
  PREVIOUSLY_CAPTURED: [422, 'Authorization has been previously captured and hence cannot be voided.'],
  PREVIOUSLY_VOIDED: [422, 'Authorization has been previously voided and hence cannot be voided again.'],
  CANNOT_BE_VOIDED: [
    422,
    'A reauthorization cannot be voided. Please void the original parent authorization.',
  ],
  // refunds
  CAPTURE_FULLY_REFUNDED: [422, 'The capture has already been fully refunded'],
  REFUND_NOT_ALLOWED: [422, 'Capture cannot be refunded.'],
  REFUND_AMOUNT_EXCEEDED: [
    422,
    'The refund amount must be less than or equal to the capture amount that has not yet been refunded.',
  ],
  REFUND_TIME_LIMIT_EXCEEDED: [422, 'You are over the time limit to perform a refund on this capture'],
  REFUND_FAILED_INSUFFICIENT_FUNDS: [
    422,
    'Capture could not be refunded due to insufficient funds. Please check to see if you have sufficient funds in your PayPal account or if the bank account linked to your PayPal account is verified and has sufficient funds.',
  ],
  PARTIAL_REFUND_NOT_ALLOWED: [422, 'You cannot do a refund less than the original capture amount.'],
  REFUND_CAPTURE_CURRENCY_MISMATCH: [422, 'Refund must be in the same currency as the capture'],
  // server side
  INTERNAL_SERVER_ERROR: [500, 'An internal server error has occurred.'],
  SERVICE_UNAVAILABLE: [503, 'Service Unavailable.'],
  RATE_LIMIT_REACHED: [429, 'Too many requests. Blocked due to rate limiting.'],
} as const satisfies Record<string, readonly [number, string]>;

export type PayPalIssue = keyof typeof PAYPAL_ISSUES;

const COMMON_MOCKS: PayPalIssue[] = [
  'INVALID_PARAMETER_VALUE',
  'MISSING_REQUIRED_PARAMETER',
  'PERMISSION_DENIED',
  'INVALID_RESOURCE_ID',
  'INTERNAL_SERVER_ERROR',
  'SERVICE_UNAVAILABLE',
  'RATE_LIMIT_REACHED',
];

/** Which issues `PayPal-Mock-Response` may ask for, by operation (the endpoint's documented ones). */
export const MOCKABLE_ISSUES: Record<string, readonly PayPalIssue[]> = {
  'orders.create': [
    ...COMMON_MOCKS,
    'INVALID_CURRENCY_CODE',
    'DECIMAL_PRECISION',
    'CARD_EXPIRED',
    'INVALID_SECURITY_CODE_LENGTH',
    'DUPLICATE_INVOICE_ID',
    'PAYER_ACTION_REQUIRED',
    // The 422s the create-order operation documents for a payment source it cannot use.
    'INSTRUMENT_DECLINED',
    'TRANSACTION_REFUSED',
    'PAYER_CANNOT_PAY',
    'COMPLIANCE_VIOLATION',
    'TRANSACTION_LIMIT_EXCEEDED',
    'MAX_NUMBER_OF_PAYMENT_ATTEMPTS_EXCEEDED',
  ],
  'orders.get': [...COMMON_MOCKS],
  'orders.authorize': [
    ...COMMON_MOCKS,
    'ORDER_NOT_APPROVED',
    'ORDER_ALREADY_AUTHORIZED',
    'ACTION_DOES_NOT_MATCH_INTENT',
    'TRANSACTION_REFUSED',
    'PAYER_ACTION_REQUIRED',
    'PAYER_CANNOT_PAY',
    'DUPLICATE_INVOICE_ID',
    'MAX_NUMBER_OF_PAYMENT_ATTEMPTS_EXCEEDED',
  ],
  'orders.capture': [
    ...COMMON_MOCKS,
    'ORDER_NOT_APPROVED',
    'ORDER_ALREADY_CAPTURED',
    'ACTION_DOES_NOT_MATCH_INTENT',
    'INSTRUMENT_DECLINED',
    'TRANSACTION_REFUSED',
    'PAYER_ACTION_REQUIRED',
    'PAYER_CANNOT_PAY',
    'DUPLICATE_INVOICE_ID',
    'MAX_NUMBER_OF_PAYMENT_ATTEMPTS_EXCEEDED',
  ],
  'authorizations.get': [...COMMON_MOCKS],
  'authorizations.capture': [
    ...COMMON_MOCKS,
    'AUTHORIZATION_ALREADY_CAPTURED',
    'AUTHORIZATION_VOIDED',
    'AUTHORIZATION_EXPIRED',
    'MAX_CAPTURE_AMOUNT_EXCEEDED',
    'MAX_CAPTURE_COUNT_EXCEEDED',
    'DECIMAL_PRECISION',
    'CURRENCY_MISMATCH',
    'TRANSACTION_REFUSED',
    'PAYER_CANNOT_PAY',
    'DUPLICATE_INVOICE_ID',
  ],
  'authorizations.reauthorize': [
    ...COMMON_MOCKS,
    'AUTHORIZATION_VOIDED',
    'AUTHORIZATION_ALREADY_CAPTURED',
    'REAUTHORIZATION_NOT_SUPPORTED',
    'TRANSACTION_REFUSED',
  ],
  'authorizations.void': [...COMMON_MOCKS, 'PREVIOUSLY_CAPTURED', 'PREVIOUSLY_VOIDED', 'CANNOT_BE_VOIDED'],
  'captures.get': [...COMMON_MOCKS],
  'captures.refund': [
    ...COMMON_MOCKS,
    'CAPTURE_FULLY_REFUNDED',
    'REFUND_NOT_ALLOWED',
    'REFUND_AMOUNT_EXCEEDED',
    'REFUND_TIME_LIMIT_EXCEEDED',
    'REFUND_FAILED_INSUFFICIENT_FUNDS',
    'PARTIAL_REFUND_NOT_ALLOWED',
    'REFUND_CAPTURE_CURRENCY_MISMATCH',
    'DECIMAL_PRECISION',
  ],
  'refunds.get': [...COMMON_MOCKS],
};

/** Where an operation's documented description of an issue differs from the usual text. */
export const DESCRIPTION_OVERRIDES: Record<string, Partial<Record<PayPalIssue, string>>> = {
  'orders.create': { MISSING_REQUIRED_PARAMETER: 'A required parameter is missing.' },
  // The confirm spec gives the already-authorized issue the capture wording, as PayPal answers it.
  'orders.confirm': {
    ORDER_ALREADY_AUTHORIZED:
      "Order already captured. If 'intent=CAPTURE' only one capture per order is allowed.",
  },
};

export function debugId(): string {
  return randomBytes(7).toString('hex');
}

/** An HTTP failure the router turns into PayPal's envelope. */
export class PayPalHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: PayPalErrorBody | Record<string, unknown>,
  ) {
    super(typeof body['message'] === 'string' ? (body['message'] as string) : `HTTP ${status}`);
  }
}

export function issueError(
  issue: PayPalIssue,
  detail: { field?: string; value?: string; location?: string; description?: string } = {},
): PayPalHttpError {
  const [status, description] = PAYPAL_ISSUES[issue];
  const head = STATUS_NAMES[status] ?? STATUS_NAMES[500];
  const body: PayPalErrorBody = {
    name: head.name,
    message: head.message,
    debug_id: debugId(),
    details: [
      {
        ...(detail.field ? { field: detail.field } : {}),
        ...(detail.value !== undefined ? { value: detail.value } : {}),
        // The specs' location enum has no `header`: header problems name the header in `field` only.
        ...((detail.field || detail.location) && detail.location !== 'header'
          ? { location: detail.location ?? 'body' }
          : {}),
        issue,
        description: detail.description ?? description,
      },
    ],
    links: [
      {
        href: `https://developer.paypal.com/docs/api/orders/v2/#error-${issue}`,
        rel: 'information_link',
        method: 'GET',
      },
    ],
  };
  return new PayPalHttpError(status, body);
}

/** An error without issue details (401 for a bad token, 404 for an unknown path). */
export function statusError(status: number): PayPalHttpError {
  const head = STATUS_NAMES[status] ?? STATUS_NAMES[500];
  return new PayPalHttpError(status, {
    name: head.name,
    message: head.message,
    debug_id: debugId(),
    links: [{ href: 'https://developer.paypal.com/docs/api/overview/#error', rel: 'information_link' }],
  });
}

/** OAuth errors use their own shape. */
export function oauthError(status: number, error: string, description: string): PayPalHttpError {
  return new PayPalHttpError(status, { error, error_description: description });
}

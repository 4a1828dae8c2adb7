/** Stripe's error `type` values ([SPEC] api_errors.type). */
export type StripeErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

export interface StripeErrorFields {
  type: StripeErrorType;
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  charge?: string;
  payment_intent?: unknown;
  payment_method?: unknown;
  doc_url?: string;
}

export interface StripeErrorOptions {
  /**
   * Whether the answer is kept for idempotent replay. Stripe does not save a result when the
   * parameters failed validation or the request never started executing (auth, permissions).
   */
  saved?: boolean;
  /** Sent as `Stripe-Should-Retry`, where Stripe gives the SDK that hint. */
  shouldRetry?: boolean;
}

/** An error the sandbox answers with, in Stripe's envelope: `{ "error": { type, code, message, … } }`. */
export class StripeApiError extends Error {
  readonly saved: boolean;
  readonly shouldRetry?: boolean;

  constructor(
    readonly status: number,
    readonly fields: StripeErrorFields,
    options: StripeErrorOptions = {},
  ) {
    super(fields.message);
    this.name = 'StripeApiError';
    this.saved = options.saved ?? false;
    this.shouldRetry = options.shouldRetry;
  }

  body(requestId: string): { error: Record<string, unknown> } {
    const error: Record<string, unknown> = { ...this.fields };
    if (this.fields.code && !this.fields.doc_url)
      error['doc_url'] = `https://stripe.com/docs/error-codes/${this.fields.code.replace(/_/g, '-')}`;
    error['request_log_url'] = `https://dashboard.stripe.com/test/logs/${requestId}`;
    return { error };
  }
}

export function invalidRequest(
  message: string,
  extra: { code?: string; param?: string; status?: number; saved?: boolean; payment_intent?: unknown } = {},
): StripeApiError {
  const { status = 400, saved = false, ...fields } = extra;
  return new StripeApiError(status, { type: 'invalid_request_error', message, ...fields }, { saved });
}

export function parameterMissing(param: string): StripeApiError {
  return invalidRequest(`Missing required param: ${param}.`, { code: 'parameter_missing', param });
}

export function parameterUnknown(param: string): StripeApiError {
  return invalidRequest(
    `Received unknown parameter: ${param}. Check the API reference for the parameters this endpoint accepts.`,
    { code: 'parameter_unknown', param },
  );
}

export function parameterInvalid(
  param: string,
  message: string,
  code = 'parameter_invalid_string',
): StripeApiError {
  return invalidRequest(message, { code, param });
}

export function resourceMissing(kind: string, id: string, param = 'id'): StripeApiError {
  return invalidRequest(`No such ${kind}: '${id}'`, { code: 'resource_missing', param, status: 404 });
}

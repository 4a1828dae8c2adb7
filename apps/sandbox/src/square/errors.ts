/** Square's error object (`errors[]` entries) and the HTTP status each answer goes out with. */
export type SquareErrorCategory =
  | 'API_ERROR'
  | 'AUTHENTICATION_ERROR'
  | 'INVALID_REQUEST_ERROR'
  | 'RATE_LIMIT_ERROR'
  | 'PAYMENT_METHOD_ERROR'
  | 'REFUND_ERROR';

export interface SquareErrorBody {
  category: SquareErrorCategory;
  code: string;
  detail?: string;
  field?: string;
}

/** Thrown inside a route to answer with Square's error envelope; `extra` adds e.g. the failed `payment`. */
export class SquareApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: SquareErrorBody[],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(errors.map((e) => `${e.code}: ${e.detail ?? ''}`).join('; '));
  }

  body(): Record<string, unknown> {
    return { errors: this.errors, ...this.extra };
  }
}

export const invalid = (code: string, detail: string, field?: string, status = 400) =>
  new SquareApiError(status, [
    { category: 'INVALID_REQUEST_ERROR', code, detail, ...(field ? { field } : {}) },
  ]);

export const missing = (field: string) => invalid('MISSING_REQUIRED_PARAMETER', `Field must be set`, field);

export const notFound = (what: string, id: string) =>
  invalid('NOT_FOUND', `Could not find ${what} with id: ${id}`, undefined, 404);

export const unauthorized = () =>
  new SquareApiError(401, [
    {
      category: 'AUTHENTICATION_ERROR',
      code: 'UNAUTHORIZED',
      detail: 'This request could not be authorized.',
    },
  ]);

export const insufficientScopes = (scope: string) =>
  new SquareApiError(403, [
    {
      category: 'AUTHENTICATION_ERROR',
      code: 'INSUFFICIENT_SCOPES',
      detail: `The merchant has not given your application sufficient permissions to do that. The application requires the following scopes: ${scope}`,
    },
  ]);

/** A decline, as Square words it: `detail` reads "Authorization error: '<CODE>'". */
export const paymentMethodError = (code: string, extra: Record<string, unknown> = {}) =>
  new SquareApiError(
    400,
    [{ category: 'PAYMENT_METHOD_ERROR', code, detail: `Authorization error: '${code}'` }],
    extra,
  );

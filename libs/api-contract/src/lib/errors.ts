/** The API's error envelope: `{ error: { type, code, message, param?, gateway_code?, payment_id?, request_id } }`. */
export type ApiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'card_error'
  | 'gateway_error'
  | 'idempotency_error'
  | 'rate_limit_error'
  | 'api_error';

export interface ApiErrorBody {
  type: ApiErrorType;
  code: string;
  message: string;
  param?: string;
  gateway_code?: string;
  payment_id?: string;
  request_id?: string;
  retryable?: boolean;
  /** The knowledge-base article that explains this error: `{PAYRAIL_PUBLIC_URL}/kb/{slug}`. */
  doc_url?: string;
}

export interface ApiErrorResponse {
  error: ApiErrorBody;
}

/** An error the API answers with as it is: status and body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Omit<ApiErrorBody, 'request_id'>,
  ) {
    super(body.message);
    this.name = 'ApiError';
  }

  static invalid(param: string, message: string, code = 'parameter_invalid'): ApiError {
    return new ApiError(400, { type: 'invalid_request_error', code, message, param });
  }

  static notFound(what: string, id: string): ApiError {
    return new ApiError(404, {
      type: 'invalid_request_error',
      code: 'resource_missing',
      message: `no ${what} '${id}'`,
      param: 'id',
    });
  }
}

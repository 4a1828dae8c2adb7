import { HttpException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { ApiError, type ApiErrorBody } from '@payrail/api-contract';
import { GatewayError } from '@payrail/plugin-sdk';

export interface ErrorResponse {
  status: number;
  body: { error: Omit<ApiErrorBody, 'request_id'> };
  /** Whether the error is a bug or an outage, worth logging loudly. */
  unexpected: boolean;
}

/** The API's error body for a gateway's failure: the one mapping of a `GatewayError` onto the wire. */
export function gatewayErrorBody(
  error: GatewayError,
  extra: { paymentId?: string } = {},
): Omit<ApiErrorBody, 'request_id'> {
  return {
    type:
      error.httpStatus === 402
        ? 'card_error'
        : error.code === 'invalid_request'
          ? 'invalid_request_error'
          : 'gateway_error',
    code: error.code,
    message: error.userMessage,
    gateway_code: error.gatewayCode,
    ...(extra.paymentId ? { payment_id: extra.paymentId } : {}),
    retryable: error.retryable,
    ...(error.param ? { param: error.param } : {}),
  };
}

/** Every error the API answers with, in one shape. */
export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof ApiError)
    return { status: error.status, body: { error: error.body }, unexpected: false };
  if (error instanceof GatewayError)
    return { status: error.httpStatus, body: { error: gatewayErrorBody(error) }, unexpected: false };
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse() as { message?: string | string[] } | string;
    const text =
      typeof response === 'string'
        ? response
        : Array.isArray(response.message)
          ? response.message.join('; ')
          : (response.message ?? error.message);
    const type =
      status === 401
        ? 'authentication_error'
        : status === 403
          ? 'permission_error'
          : status === 429
            ? 'rate_limit_error'
            : status >= 500
              ? 'api_error'
              : 'invalid_request_error';
    const code =
      status === 404
        ? 'resource_missing'
        : status === 401
          ? 'unauthenticated'
          : status === 403
            ? 'forbidden'
            : status === 429
              ? 'rate_limited'
              : status === 413
                ? 'body_too_large'
                : 'invalid_request';
    return { status, body: { error: { type, code, message: text } }, unexpected: status >= 500 };
  }
  return {
    status: 500,
    body: {
      error: {
        type: 'api_error',
        code: 'internal_error',
        message: 'An unexpected error occurred; it has been logged with this request id.',
      },
    },
    unexpected: true,
  };
}

function firstProblem(errors: ValidationError[], prefix = ''): { param: string; message: string } | null {
  for (const e of errors) {
    const param = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints && Object.keys(e.constraints).length) {
      const [key, text] = Object.entries(e.constraints)[0];
      const message =
        key === 'whitelistValidation'
          ? `unknown parameter '${param}'`
          : text.replace(new RegExp(`^${e.property}\\b`), param);
      return { param, message };
    }
    const nested = firstProblem(e.children ?? [], param);
    if (nested) return nested;
  }
  return null;
}

/** Validates request DTOs; unknown fields and wrong types answer 400 naming the parameter. */
export function requestValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: true,
    exceptionFactory: (errors) => {
      const problem = firstProblem(errors) ?? { param: 'body', message: 'the request is not valid' };
      return ApiError.invalid(problem.param, problem.message);
    },
  });
}

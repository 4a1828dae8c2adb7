import { HttpErrorResponse } from '@angular/common/http';
import type { ApiErrorResponse } from '@payrail/api-contract';

/** What the console shows for a failed request: the API's own message, never a stack or a blank. */
export interface ApiProblem {
  status: number;
  code: string;
  message: string;
  param?: string;
}

export function toProblem(error: unknown): ApiProblem {
  if (error instanceof HttpErrorResponse) {
    const body = error.error as Partial<ApiErrorResponse> | null;
    if (body && typeof body === 'object' && body.error) {
      return {
        status: error.status,
        code: body.error.code,
        message: body.error.message,
        param: body.error.param,
      };
    }
    if (error.status === 0)
      return {
        status: 0,
        code: 'network_error',
        message: 'The API cannot be reached. Check that Payrail is running.',
      };
    return {
      status: error.status,
      code: 'http_error',
      message: `The API answered ${error.status} ${error.statusText}`.trim(),
    };
  }
  return { status: 0, code: 'client_error', message: error instanceof Error ? error.message : String(error) };
}

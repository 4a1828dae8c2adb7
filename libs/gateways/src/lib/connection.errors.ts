import { ApiError } from '@payrail/api-contract';
import type { ConnectionMode } from '@payrail/plugin-sdk';

/** A refused connection request, answered as it is: 400 naming the param, 403 (the other mode's), 404, or 409. */
export class ConnectionError extends ApiError {
  constructor(
    readonly param: string,
    message: string,
    override readonly status: 400 | 403 | 404 | 409 = 400,
  ) {
    super(status, {
      type: status === 403 ? 'permission_error' : 'invalid_request_error',
      code:
        status === 403
          ? 'livemode_mismatch'
          : status === 404
            ? 'resource_missing'
            : status === 409
              ? 'connection_conflict'
              : 'parameter_invalid',
      message,
      param,
    });
    this.name = 'ConnectionError';
  }
}

/** A connection of the other mode was asked for: 403, naming the key prefix that reaches it. */
export function mismatch(param: string, what: string, mode: ConnectionMode): ConnectionError {
  const other = mode === 'live' ? 'test' : 'live';
  return new ConnectionError(
    param,
    `${what} exists only in ${other} mode: a ${mode}-mode key uses ${mode} connections (use a pr_${other}_ key for it)`,
    403,
  );
}

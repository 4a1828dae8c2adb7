import {
  GatewayError,
  redactText,
  type CredentialCheck,
  type GatewayConnection,
  type PaymentGateway,
} from '@payrail/plugin-sdk';
import { ConnectionError } from './connection.errors';
import type { GatewayConnectionRecord } from './gateway-connection.entity';

export type StoredCredentialCheck = CredentialCheck & { checkedAt: string };

/** Asks the plugin about the credentials; a live key on a test connection (or the reverse) is refused. */
export async function checkConnectionCredentials(
  record: GatewayConnectionRecord,
  gateway: PaymentGateway,
  /** The connection the plugin is given: opened credentials, or a ConnectionError saying why not. */
  open: () => Promise<GatewayConnection>,
): Promise<StoredCredentialCheck> {
  const checkedAt = new Date().toISOString();
  let connection: GatewayConnection;
  try {
    connection = await open();
  } catch (error) {
    if (error instanceof ConnectionError)
      return {
        valid: false,
        mode: record.mode,
        problems: [error.message.replace(/^connection '[^']*' cannot be used: /, '')],
        checkedAt,
      };
    throw error;
  }
  let verdict: CredentialCheck;
  try {
    const outcome = await withTimeout(gateway.checkCredentials(connection), connection.timeoutMs);
    verdict = outcome.ok
      ? outcome.value
      : { valid: false, mode: record.mode, problems: [outcome.error.message] };
  } catch (error) {
    const message =
      error instanceof GatewayError
        ? error.message
        : `the check failed: ${(error as Error)?.message ?? String(error)}`;
    verdict = { valid: false, mode: record.mode, problems: [message] };
  }
  if (verdict.mode !== record.mode) {
    const field =
      fieldNamedIn(gateway, verdict.problems) ??
      gateway.fields.find((f) => f.secret && f.required)?.key ??
      gateway.fields[0]?.key ??
      'values';
    throw new ConnectionError(
      `values.${field}`,
      `${field} holds ${verdict.mode} credentials, but this is a ${record.mode} connection`,
    );
  }
  return {
    valid: verdict.valid,
    mode: verdict.mode,
    ...(verdict.account ? { account: verdict.account } : {}),
    ...(verdict.permissions ? { permissions: verdict.permissions } : {}),
    problems: verdict.problems.map((p) => redactText(p)),
    checkedAt,
  };
}

function fieldNamedIn(gateway: PaymentGateway, problems: string[]): string | undefined {
  return gateway.fields.find((f) =>
    problems.some((p) => p.startsWith(`${f.key} `) || p.includes(` ${f.key} `)),
  )?.key;
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new GatewayError('gateway_timeout', {
            detail: `the credential check did not finish within ${timeoutMs + 2000} ms`,
          }),
        ),
      timeoutMs + 2000,
    );
  });
  return Promise.race([work, overrun]).finally(() => clearTimeout(timer));
}

import { SquareClient, SquareError } from 'square';
import { SQUARE_SANDBOX_DEFAULTS } from './server';

/** Money in the Square SDK's shape. */
export const usd = (amount: number) => ({ amount: BigInt(amount), currency: 'USD' as const });

/** The SDK's error from a call that must fail. */
export async function squareError(call: Promise<unknown>): Promise<SquareError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof SquareError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** The official SDK pointed at a sandbox, with its own retries off so each exchange is one call. */
export const sdkClient = (baseUrl: string) =>
  new SquareClient({ token: SQUARE_SANDBOX_DEFAULTS.accessToken, baseUrl, maxRetries: 0 });

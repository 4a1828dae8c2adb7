import type * as SquareSdk from 'square';

let sdk: typeof SquareSdk | undefined;

/**
 * The Square SDK, loaded on its first use rather than when the API starts: it is the largest
 * module the API can load (about 20 MB of heap), and an instance with no Square connection, or
 * one that has not used it yet, never needs it. Types come from `import type`, which loads nothing.
 */
export function squareSdk(): typeof SquareSdk {
  sdk ??= require('square') as typeof SquareSdk;
  return sdk;
}

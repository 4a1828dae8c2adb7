import { installedGatewayCodes, sandboxDescriptorOf, type SandboxDescriptor } from '@payrail/plugin-sdk';
import manifest from '../../../gateways.json';

/** A gateway's sandbox, found by its code beside the others: `apps/sandbox/src/<code>/sandbox.descriptor.ts`. */
function sandboxOf(code: string): SandboxDescriptor {
  const where = `apps/sandbox/src/${code}/sandbox.descriptor.ts`;
  let found: unknown;
  try {
    found = require(`./${code}/sandbox.descriptor.ts`);
  } catch (error) {
    throw new Error(
      `gateways.json lists '${code}', but ${where} cannot be loaded: ${(error as Error).message}`,
    );
  }
  return sandboxDescriptorOf(found, code, where);
}

/**
 * The gateway sandboxes, one per gateway `gateways.json` installs: the development-side twin of
 * the API's installed plugins, read from the same list (production code never imports a sandbox,
 * so the two sides meet only in specs).
 */
export const SANDBOXES: readonly SandboxDescriptor[] = installedGatewayCodes(manifest).map(sandboxOf);

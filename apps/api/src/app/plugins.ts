import type { DynamicModule } from '@nestjs/common';
import { gatewayDescriptorOf, installedGatewayCodes, type GatewayDescriptor } from '@payrail/plugin-sdk';
import manifest from '../../../../gateways.json';
import type { PayrailConfig } from './config';

/**
 * A plugin's entry, found by its gateway code. This is the composition point, the one place the
 * API reaches into `plugins/`: webpack bundles every `plugins/<code>/src/index.ts` for the
 * expression, jest and ts-node resolve it when it runs, and `implicitDependencies` in
 * `apps/api/project.json` tells Nx the API depends on every plugin.
 */
function pluginEntry(code: string): GatewayDescriptor {
  const where = `plugins/${code}/src/index.ts`;
  let entry: unknown;
  try {
    entry = require(`../../../../plugins/${code}/src/index.ts`);
  } catch (error) {
    throw new Error(
      `gateways.json lists '${code}', but ${where} cannot be loaded: ${(error as Error).message}`,
    );
  }
  return gatewayDescriptorOf(entry, code, where);
}

/**
 * The installed gateway plugins, in the order `gateways.json` lists them: the one line a new
 * gateway joins. Configuration, sandbox seeding, the redactor, the inbox and the terminal read
 * everything else from the descriptors.
 */
export const INSTALLED: readonly GatewayDescriptor[] = installedGatewayCodes(manifest).map(pluginEntry);

export function installedDescriptor(code: string): GatewayDescriptor | undefined {
  return INSTALLED.find((d) => d.code === code);
}

/** The modules of the plugins PAYRAIL_PLUGINS enables. */
export function pluginModules(config: PayrailConfig): DynamicModule[] {
  return config.plugins.flatMap((code) => installedDescriptor(code)?.module() ?? []);
}

import type { DynamicModule } from '@nestjs/common';
import type { PayrailConfig } from './config';

/** The installed gateway plugins, by code; the configuration says which are enabled. */
const INSTALLED: Record<string, () => DynamicModule> = {};

export function pluginModules(config: PayrailConfig): DynamicModule[] {
  return config.plugins.filter((code) => INSTALLED[code]).map((code) => INSTALLED[code]());
}

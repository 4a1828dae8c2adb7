import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { AuditOptions } from './audit-retention';

export const { ConfigurableModuleClass: AuditConfigurableModule, MODULE_OPTIONS_TOKEN: AUDIT_OPTIONS } =
  new ConfigurableModuleBuilder<AuditOptions>().setClassMethodName('forRoot').build();

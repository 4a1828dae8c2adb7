import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { AuditOptions } from './audit-retention';

export const { ConfigurableModuleClass: AuditConfigurableModule, MODULE_OPTIONS_TOKEN: AUDIT_OPTIONS } =
  new ConfigurableModuleBuilder<AuditOptions>()
    .setClassMethodName('forRoot')
    // The host app makes it global once, so every domain module records without importing it again.
    .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
    .build();

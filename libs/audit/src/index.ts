export * from './lib/audit-entry.entity';
export * from './lib/audit-checkpoint.entity';
export * from './lib/audit.types';
export * from './lib/audit-hash';
export * from './lib/audit-format';
export * from './lib/audit-retention';
export { AUDIT_OPTIONS } from './lib/audit.module-definition';
export * from './lib/audit.service';
export * from './lib/audit.module';

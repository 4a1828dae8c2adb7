// The audit library owns its tables' migration, so its own specs run it without reaching into the app.
export { AuditTrail1767000000000 } from '@payrail/audit';

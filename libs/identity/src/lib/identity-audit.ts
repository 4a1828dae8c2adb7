import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Request } from 'express';
import type { EntityManager } from 'typeorm';
import { AuditService, type AuditRecordInput } from '@payrail/audit';

/** Where the request came from, for an audit entry. */
export function requestOrigin(req: Request | undefined): AuditRecordInput['origin'] {
  if (!req) return undefined;
  return {
    ip: req.ip ?? null,
    userAgent: req.header('user-agent') ?? null,
    requestId: (req as Request & { requestId?: string }).requestId ?? null,
  };
}

/**
 * Records identity events in the audit trail. The audit module is composed by the host app; it
 * is found at first use, so the identity library does not force a module order on the host.
 */
@Injectable()
export class IdentityAudit {
  private readonly logger = new Logger('IdentityAudit');
  private service: AuditService | null | undefined;

  constructor(private readonly moduleRef: ModuleRef) {}

  private audit(): AuditService | null {
    if (this.service === undefined) {
      try {
        this.service = this.moduleRef.get(AuditService, { strict: false });
      } catch {
        this.service = null;
        this.logger.warn('AuditModule is not composed: identity events are logged only');
      }
    }
    return this.service ?? null;
  }

  async record(entry: AuditRecordInput, manager?: EntityManager): Promise<void> {
    const audit = this.audit();
    if (!audit) {
      this.logger.log(
        `${entry.action} ${entry.outcome ?? 'success'} ${entry.resource?.type ?? ''} ${entry.resource?.id ?? ''}`,
      );
      return;
    }
    await audit.record(entry, manager);
  }
}

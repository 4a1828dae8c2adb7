import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThan, Repository, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import { AuditService, type AuditActorContext } from '@payrail/audit';
import { newId, TransactionRunner } from '@payrail/database';
import { ConnectionService, type GatewayConnectionRecord } from '@payrail/gateways';
import {
  canAnswerDisputes,
  canUploadDisputeFiles,
  type GatewayDispute,
  type GatewayWebhookEvent,
} from '@payrail/plugin-sdk';
import { Payment, type PaymentDisputeSummary } from '../entities/payment.entity';
import { GatewayInvoker } from '../gateway-invoker';
import { PaymentChangeFeed } from '../payment-changes';
import { PaymentLedger } from '../payment-ledger';
import { ownerMerchant, ownerMode, type PaymentOwner } from '../payment-owner';
import { PaymentTimeline } from '../payment-timeline';
import { DisputeEvidenceFileRecord } from './dispute-evidence-file.entity';
import { Dispute } from './dispute.entity';
import { EVIDENCE_FILES_TOTAL_BYTES, gatewayFileName, type EvidenceUpload } from './evidence-upload';

/** How far a dispute has come: a report that is behind what Payrail knows changes nothing. */
const RANK: Record<Dispute['status'], number> = { needs_response: 0, under_review: 1, won: 2, lost: 2 };

export type DisputeChange = 'created' | 'updated' | 'closed';

export function disputeSummary(d: Dispute): PaymentDisputeSummary {
  return {
    id: d.id,
    amount: d.amount,
    currency: d.currency,
    reason: d.reason,
    status: d.status,
    evidence_due_by: d.evidenceDueBy ? d.evidenceDueBy.toISOString() : null,
  };
}

/**
 * Disputes of payments: recorded from the gateways' webhooks, moved only forward (needs response
 * → under review → won or lost), each change on the payment's timeline and sent as `dispute.*`.
 * The payment's status never changes; a lost dispute comes off its net amount.
 */
@Injectable()
export class DisputesService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly connections: ConnectionService,
    private readonly invoker: GatewayInvoker,
    private readonly ledger: PaymentLedger,
    private readonly timeline: PaymentTimeline,
    private readonly changes: PaymentChangeFeed,
    @InjectRepository(Dispute) private readonly disputes: Repository<Dispute>,
    @InjectRepository(Payment) private readonly payments: Repository<Payment>,
    @InjectRepository(DisputeEvidenceFileRecord)
    private readonly files: Repository<DisputeEvidenceFileRecord>,
    private readonly audit: AuditService,
  ) {}

  /** Applies a webhook's dispute to its payment, in one transaction; `undefined` when no payment matches. */
  async apply(
    record: GatewayConnectionRecord,
    event: GatewayWebhookEvent & { dispute: GatewayDispute },
    within?: (m: EntityManager, paymentId: string, changed: boolean) => Promise<void>,
  ): Promise<{ paymentId: string; changed: boolean } | undefined> {
    if (!event.reference) return undefined;
    const found = await this.payments.findOneBy({
      connectionId: record.id,
      gatewayReference: event.reference,
    });
    if (!found) return undefined;
    return this.tx.lazy(async (m) => {
      const payment = await this.ledger.lock(m, found.id);
      const changed = await this.upsert(
        m,
        record,
        payment,
        event.dispute,
        `${event.gatewayType} (${event.id})`,
      );
      if (within) await within(m, payment.id, changed !== undefined);
      return { paymentId: payment.id, changed: changed !== undefined };
    });
  }

  private async upsert(
    m: EntityManager,
    record: GatewayConnectionRecord,
    payment: Payment,
    reported: GatewayDispute,
    source: string,
  ): Promise<DisputeChange | undefined> {
    const repo = m.getRepository(Dispute);
    let dispute = await repo.findOneBy({ connectionId: record.id, gatewayReference: reported.reference });
    let change: DisputeChange | undefined;
    if (!dispute) {
      dispute = repo.create({
        id: newId('dsp'),
        merchantId: payment.merchantId,
        mode: payment.mode,
        paymentId: payment.id,
        connectionId: record.id,
        gateway: record.gateway,
        gatewayReference: reported.reference,
        amount: reported.amount,
        currency: reported.currency.toUpperCase(),
        reason: reported.reason.slice(0, 100),
        status: reported.status,
        gatewayStatus: reported.gatewayStatus.slice(0, 40),
        inquiry: reported.inquiry ?? false,
        // An event replayed from the inbox carries its dates as strings.
        evidenceDueBy: reported.evidenceDueBy ? new Date(reported.evidenceDueBy) : null,
        evidenceSubmittedAt: null,
      });
      change = 'created';
    } else if (RANK[reported.status] > RANK[dispute.status]) {
      dispute.status = reported.status;
      dispute.gatewayStatus = reported.gatewayStatus.slice(0, 40);
      change = reported.status === 'won' || reported.status === 'lost' ? 'closed' : 'updated';
    } else {
      return undefined;
    }
    await repo.save(dispute);
    await this.note(m, payment, dispute, change, source);
    return change;
  }

  private async note(
    m: EntityManager,
    payment: Payment,
    dispute: Dispute,
    change: DisputeChange,
    source: string,
  ): Promise<void> {
    payment.dispute = disputeSummary(dispute);
    await m.getRepository(Payment).update({ id: payment.id }, { dispute: payment.dispute });
    await this.timeline.add(m, payment, {
      type: 'dispute',
      message: `dispute ${dispute.id} ${change === 'created' ? 'opened' : dispute.status.replace('_', ' ')}: ${dispute.amount} ${dispute.currency} (${dispute.reason}); ${source}`,
      data: { dispute_id: dispute.id, status: dispute.status, gateway_status: dispute.gatewayStatus },
    });
    await this.changes.publish(m, { kind: 'dispute', payment, dispute, change });
  }

  private where(owner: PaymentOwner): FindOptionsWhere<Dispute> {
    const mode = ownerMode(owner);
    return { merchantId: ownerMerchant(owner), ...(mode ? { mode } : {}) };
  }

  async get(owner: PaymentOwner, id: string): Promise<Dispute> {
    const found = await this.disputes.findOneBy({ ...this.where(owner), id });
    if (!found) throw ApiError.notFound('dispute', id);
    return found;
  }

  /** A dispute of any merchant in `merchantIds` (the console's scope); 404 otherwise. */
  async getScoped(merchantIds: string[] | 'all', id: string): Promise<Dispute> {
    const found = await this.disputes.findOneBy(
      merchantIds === 'all' ? { id } : { id, merchantId: In(merchantIds) },
    );
    if (!found) throw ApiError.notFound('dispute', id);
    return found;
  }

  async list(
    owner: PaymentOwner,
    query: { limit: number; startingAfter?: string; status?: Dispute['status']; paymentId?: string },
  ): Promise<{ data: Dispute[]; hasMore: boolean }> {
    const rows = await this.disputes.find({
      where: {
        ...this.where(owner),
        ...(query.status ? { status: query.status } : {}),
        ...(query.paymentId ? { paymentId: query.paymentId } : {}),
        ...(query.startingAfter ? { id: LessThan(query.startingAfter) } : {}),
      },
      order: { id: 'DESC' },
      take: query.limit + 1,
    });
    return { data: rows.slice(0, query.limit), hasMore: rows.length > query.limit };
  }

  /** A dispute that still takes evidence, or the 404 / 409 that says why not (before any upload is read). */
  async answerable(owner: PaymentOwner, id: string): Promise<Dispute> {
    const dispute = await this.get(owner, id);
    this.assertAnswerable(dispute);
    return dispute;
  }

  /** Whether the dispute's gateway takes evidence files through its API. */
  async acceptsFiles(dispute: Dispute): Promise<boolean> {
    const record = await this.connections.findById(dispute.connectionId);
    return !!record && canUploadDisputeFiles(this.connections.gatewayFor(record));
  }

  /** Evidence goes only to a dispute that waits for it, before its deadline. */
  private assertAnswerable(dispute: Dispute, now = new Date()): void {
    if (dispute.status !== 'needs_response')
      throw new ApiError(409, {
        type: 'invalid_request_error',
        code: 'dispute_not_open',
        message: `dispute ${dispute.id} is ${dispute.status.replace('_', ' ')}: evidence can no longer be submitted`,
      });
    if (dispute.evidenceDueBy && dispute.evidenceDueBy.getTime() < now.getTime())
      throw new ApiError(409, {
        type: 'invalid_request_error',
        code: 'dispute_evidence_past_due',
        message: `the evidence for dispute ${dispute.id} was due by ${dispute.evidenceDueBy.toISOString()}; the gateway no longer takes it`,
      });
  }

  async listEvidenceFiles(owner: PaymentOwner, id: string): Promise<DisputeEvidenceFileRecord[]> {
    const dispute = await this.get(owner, id);
    return this.files.find({ where: { disputeId: dispute.id }, order: { id: 'ASC' } });
  }

  /**
   * Sends an evidence file to the dispute's gateway, which keeps it; Payrail records its name,
   * size, type, SHA-256 and the gateway's file id, with a timeline line and an audit entry.
   * Stripe and Square hold the file for the next evidence submission; PayPal takes it as evidence
   * at once, and the dispute goes under review.
   */
  async uploadEvidenceFile(
    owner: PaymentOwner,
    id: string,
    upload: EvidenceUpload,
    context: AuditActorContext,
  ): Promise<{ dispute: Dispute; file: DisputeEvidenceFileRecord }> {
    const dispute = await this.get(owner, id);
    this.assertAnswerable(dispute);
    const sent = await this.files.find({ where: { disputeId: dispute.id } });
    const total = sent.reduce((sum, f) => sum + f.size, upload.size);
    if (total > EVIDENCE_FILES_TOTAL_BYTES)
      throw new ApiError(413, {
        type: 'invalid_request_error',
        code: 'evidence_files_too_large',
        param: 'file',
        message: `with this file the evidence of dispute ${dispute.id} would be ${total} bytes, more than the 4.5 MB (${EVIDENCE_FILES_TOTAL_BYTES} bytes) the gateways take for one dispute`,
      });
    const record = await this.connections.findById(dispute.connectionId);
    if (!record)
      throw ApiError.invalid('dispute', `the connection of dispute ${dispute.id} no longer exists`);
    const gateway = this.connections.gatewayFor(record);
    if (!canUploadDisputeFiles(gateway))
      throw ApiError.invalid(
        'file',
        `${gateway.displayName} takes dispute evidence files in its own dashboard only; Payrail cannot upload them there`,
        'capability_unsupported',
      );
    const connection = await this.connections.toGatewayConnection(record);
    const fileId = newId('dspf');
    const { outcome } = await this.invoker.invoke(
      'uploadDisputeEvidenceFile',
      { gateway: gateway.code, connection },
      () =>
        gateway.uploadDisputeEvidenceFile(connection, {
          reference: dispute.gatewayReference,
          file: {
            name: gatewayFileName(upload.name, upload.contentType),
            contentType: upload.contentType,
            category: upload.category,
            data: upload.data,
          },
          idempotencyKey: `payrail_${fileId}`,
        }),
    );
    if (!outcome.ok) throw outcome.error;
    return this.tx.lazy(async (m) => {
      const payment = await this.ledger.lock(m, dispute.paymentId);
      const current = await m.getRepository(Dispute).findOneByOrFail({ id: dispute.id });
      const file = await m.getRepository(DisputeEvidenceFileRecord).save(
        m.getRepository(DisputeEvidenceFileRecord).create({
          id: fileId,
          disputeId: current.id,
          merchantId: current.merchantId,
          mode: current.mode,
          name: upload.name,
          size: upload.size,
          contentType: upload.contentType,
          category: upload.category,
          sha256: upload.sha256,
          gatewayFileReference: outcome.value.fileReference.slice(0, 200),
          uploadedBy: `${context.actor.type}:${context.actor.id ?? 'unknown'}`.slice(0, 80),
        }),
      );
      const reported = outcome.value.dispute;
      if (RANK[reported.status] > RANK[current.status]) {
        current.status = reported.status;
        current.gatewayStatus = reported.gatewayStatus.slice(0, 40);
        current.evidenceSubmittedAt = new Date();
        await m.getRepository(Dispute).save(current);
        await this.note(m, payment, current, 'updated', `evidence file ${file.id} sent`);
      } else {
        await this.timeline.add(m, payment, {
          type: 'dispute',
          message: `dispute ${current.id}: evidence file ${file.id} (${upload.category}, ${upload.size} bytes) sent to ${record.gateway} as ${file.gatewayFileReference}`,
          data: {
            dispute_id: current.id,
            file_id: file.id,
            gateway_file_reference: file.gatewayFileReference,
          },
        });
      }
      await this.audit.record(
        {
          ...context,
          action: 'dispute.evidence_file_uploaded',
          merchantId: current.merchantId,
          resource: { type: 'dispute', id: current.id },
          change: {
            after: {
              fileId: file.id,
              category: file.category,
              contentType: file.contentType,
              size: file.size,
              sha256: file.sha256,
              gatewayFileReference: file.gatewayFileReference,
            },
          },
        },
        m,
      );
      return { dispute: current, file };
    });
  }

  /** Sends evidence text through the gateway's API, where it takes it; the dispute goes under review. */
  async submitEvidence(
    owner: PaymentOwner,
    id: string,
    text: string,
    context?: AuditActorContext,
  ): Promise<Dispute> {
    const dispute = await this.get(owner, id);
    this.assertAnswerable(dispute);
    const record = await this.connections.findById(dispute.connectionId);
    if (!record)
      throw ApiError.invalid('dispute', `the connection of dispute ${dispute.id} no longer exists`);
    const gateway = this.connections.gatewayFor(record);
    if (!canAnswerDisputes(gateway))
      throw ApiError.invalid(
        'evidence',
        `${gateway.displayName} disputes are answered in its own dashboard; Payrail cannot submit evidence there`,
        'capability_unsupported',
      );
    const connection = await this.connections.toGatewayConnection(record);
    const { outcome } = await this.invoker.invoke(
      'submitDisputeEvidence',
      { gateway: gateway.code, connection },
      () =>
        gateway.submitDisputeEvidence(connection, {
          reference: dispute.gatewayReference,
          text,
          idempotencyKey: `payrail_${dispute.id}_evidence_${Date.now()}`,
        }),
    );
    if (!outcome.ok) throw outcome.error;
    return this.tx.lazy(async (m) => {
      const payment = await this.ledger.lock(m, dispute.paymentId);
      const current = await m.getRepository(Dispute).findOneByOrFail({ id: dispute.id });
      current.evidenceSubmittedAt = new Date();
      if (RANK[outcome.value.status] > RANK[current.status]) {
        current.status = outcome.value.status;
        current.gatewayStatus = outcome.value.gatewayStatus.slice(0, 40);
      }
      await m.getRepository(Dispute).save(current);
      await this.note(m, payment, current, 'updated', 'evidence submitted');
      if (context)
        await this.audit.record(
          {
            ...context,
            action: 'dispute.evidence_submitted',
            merchantId: current.merchantId,
            resource: { type: 'dispute', id: current.id },
            change: { after: { status: current.status, textLength: text.length } },
          },
          m,
        );
      return current;
    });
  }
}

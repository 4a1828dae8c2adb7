import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { In, IsNull, type EntityManager } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import { AuditService, type AuditActorContext } from '@payrail/audit';
import { newId, TransactionRunner } from '@payrail/database';
import { JobQueue } from '@payrail/jobs';
import { CustomersService } from '@payrail/payments';
import { SecretBox } from '@payrail/secrets';
import { PAYRAIL_CONFIG, type PayrailConfig } from '../app/config';
import { erasureBlockers } from './erasure-blockers';
import { scanAfterErasure } from './erasure-scan';
import { PrivacyHold } from './privacy-hold.entity';
import {
  PrivacyRequest,
  type GatewayErasure,
  type PrivacyRegime,
  type PrivacyRequestType,
  type SubjectKind,
} from './privacy-request.entity';
import { dueDate } from './regimes';
import {
  eraseSubjectRows,
  findSubjectRows,
  namesIn,
  normaliseEmail,
  subjectHash,
  type SubjectTerms,
} from './subject-records';
import { PRIVACY_COLUMNS } from './subject-tables';
import { queryRows, updateById } from './raw-update';

export const PRIVACY_QUEUE = 'privacy.request';
const SYSTEM: AuditActorContext = { actor: { type: 'system', id: 'payrail' } };

export interface NewPrivacyRequest {
  type: PrivacyRequestType;
  regime: PrivacyRegime;
  merchantId: string;
  subject: { kind: SubjectKind; value: string };
}

/** What the sealed subject holds while a request is open: the value, and the terms found for it. */
interface SealedSubject {
  kind: SubjectKind;
  value: string;
  terms?: SubjectTerms;
}

/**
 * Data subject requests: access (an export of everything about the subject) and erasure
 * (personal data nulled, pseudonymised or scrubbed everywhere, amounts and references kept).
 * Each step is an audit entry naming the request and the subject's hash, never the subject.
 * The job is idempotent: a retry after a crash finds the same rows and the same pseudonym key.
 */
@Injectable()
export class PrivacyRequestsService implements OnModuleInit {
  private readonly logger = new Logger('PrivacyRequests');

  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly jobs: JobQueue,
    private readonly box: SecretBox,
    private readonly customers: CustomersService,
    @Inject(PAYRAIL_CONFIG) private readonly config: PayrailConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.define<{ requestId: string }>(PRIVACY_QUEUE, (payload) => this.process(payload.requestId), {
      maxAttempts: 8,
      concurrency: 1,
      leaseMs: 10 * 60_000,
    });
  }

  async create(input: NewPrivacyRequest, context: AuditActorContext): Promise<PrivacyRequest> {
    const now = new Date();
    const value = await this.subjectEmail(input.merchantId, input.subject);
    const request = await this.tx.run(async (m) => {
      const row = m.create(PrivacyRequest, {
        id: newId('prq'),
        merchantId: input.merchantId,
        type: input.type,
        regime: input.regime,
        subjectKind: input.subject.kind,
        subjectHash: subjectHash(input.merchantId, 'email', value),
        subjectSealed: this.box.seal(
          JSON.stringify({ kind: input.subject.kind, value } satisfies SealedSubject),
        ),
        status: 'pending',
        blockedReason: null,
        dueAt: dueDate(input.regime, now),
        completedAt: null,
        requestedBy: context.actor.id ?? 'unknown',
        pseudonymKeySealed: null,
        exportSealed: null,
        certificate: null,
        gatewayErasure: null,
      });
      await m.save(PrivacyRequest, row);
      await this.record(m, row, 'privacy.request_received', context, {
        type: row.type,
        regime: row.regime,
        due_at: row.dueAt.toISOString(),
      });
      return row;
    });
    return this.admit(request, context);
  }

  /** The subject as an email: a customer reference is the Payrail customer's email, so records are found and holds matched by it. */
  private async subjectEmail(
    merchantId: string,
    subject: { kind: SubjectKind; value: string },
  ): Promise<string> {
    if (subject.kind === 'email') return normaliseEmail(subject.value);
    const [customer] = await queryRows<{ email: string | null }>(
      this.tx.dataSource.manager,
      'SELECT c.email FROM customers c WHERE c.id = :reference AND c.merchant_id = :merchantId',
      { reference: subject.value.trim(), merchantId },
    );
    if (!customer) throw ApiError.notFound('customer', subject.value);
    if (!customer.email)
      throw ApiError.invalid(
        'subject.customer',
        `customer ${subject.value} has no email: give the subject's email instead`,
      );
    return normaliseEmail(customer.email);
  }

  /** Starts the request's job, unless an erasure is blocked: then it is marked so and refused with 409. */
  private async admit(request: PrivacyRequest, context: AuditActorContext): Promise<PrivacyRequest> {
    if (request.type === 'erasure') {
      const blockers = await erasureBlockers(this.tx.dataSource.manager, request, this.terms(request));
      if (blockers.length) {
        const reason = blockers.join('; ');
        await this.tx.run(async (m) => {
          await m.update(PrivacyRequest, { id: request.id }, { status: 'blocked', blockedReason: reason });
          await this.record(m, request, 'privacy.request_blocked', context, { reason });
        });
        throw new ApiError(409, {
          type: 'invalid_request_error',
          code: 'erasure_blocked',
          message: `erasure request ${request.id} is blocked: ${reason}. It goes through once that is resolved (POST /admin/privacy/requests/${request.id}/retry)`,
        });
      }
    }
    await this.tx.run(async (m) => {
      await m.update(PrivacyRequest, { id: request.id }, { status: 'pending', blockedReason: null });
      await this.jobs.enqueue(
        PRIVACY_QUEUE,
        { requestId: request.id },
        { uniqueKey: `${request.id}:${Date.now()}` },
        m,
      );
    });
    return this.get(request.id);
  }

  /** A blocked request tried again: 409 while still blocked. */
  async retry(
    id: string,
    merchantIds: string[] | 'all',
    context: AuditActorContext,
  ): Promise<PrivacyRequest> {
    const request = await this.get(id, merchantIds);
    if (request.status !== 'blocked')
      throw new ApiError(409, {
        type: 'invalid_request_error',
        code: 'request_not_blocked',
        message: `request ${id} is ${request.status}: only a blocked request is retried`,
      });
    return this.admit(request, context);
  }

  async get(id: string, merchantIds: string[] | 'all' = 'all'): Promise<PrivacyRequest> {
    const row = await this.tx.dataSource.manager.findOneBy(PrivacyRequest, { id });
    if (!row || (merchantIds !== 'all' && !merchantIds.includes(row.merchantId)))
      throw ApiError.notFound('privacy request', id);
    return row;
  }

  async list(merchantIds: string[] | 'all'): Promise<PrivacyRequest[]> {
    return this.tx.dataSource.manager.find(PrivacyRequest, {
      where: merchantIds === 'all' ? {} : { merchantId: In(merchantIds) },
      order: { id: 'DESC' },
      take: 200,
    });
  }

  /** The access export, opened; only while it is kept (privacy-exports retention). */
  async exportOf(id: string, merchantIds: string[] | 'all', context: AuditActorContext): Promise<string> {
    const request = await this.get(id, merchantIds);
    if (request.type !== 'access' || request.status !== 'completed' || !request.exportSealed)
      throw new ApiError(409, {
        type: 'invalid_request_error',
        code: 'export_unavailable',
        message:
          request.type !== 'access'
            ? `request ${id} is an erasure: it has a certificate, not an export`
            : request.status !== 'completed'
              ? `request ${id} is ${request.status}: the export is ready once it completes`
              : `the export of request ${id} is no longer kept (privacy-exports retention)`,
      });
    await this.record(undefined, request, 'privacy.export_downloaded', context, {});
    return this.box.open(request.exportSealed);
  }

  /** Places a legal hold: erasure of the subject is refused until it is released. */
  async hold(
    input: { merchantId: string; subject: { kind: SubjectKind; value: string }; reason: string },
    context: AuditActorContext,
  ): Promise<PrivacyHold> {
    const email = await this.subjectEmail(input.merchantId, input.subject);
    return this.tx.run(async (m) => {
      const hold = m.create(PrivacyHold, {
        id: newId('phold'),
        merchantId: input.merchantId,
        subjectHash: subjectHash(input.merchantId, 'email', email),
        reason: input.reason,
        placedBy: context.actor.id ?? 'unknown',
        releasedAt: null,
        releasedBy: null,
      });
      await m.insert(PrivacyHold, hold);
      await this.audit.record(
        {
          ...context,
          action: 'privacy.hold_placed',
          merchantId: hold.merchantId,
          resource: { type: 'privacy_hold', id: hold.id },
          change: { after: { subject_hash: hold.subjectHash, reason: hold.reason } },
        },
        m,
      );
      return hold;
    });
  }

  async holds(merchantIds: string[] | 'all'): Promise<PrivacyHold[]> {
    return this.tx.dataSource.manager.find(PrivacyHold, {
      where: merchantIds === 'all' ? {} : { merchantId: In(merchantIds) },
      order: { id: 'DESC' },
      take: 200,
    });
  }

  async release(id: string, merchantIds: string[] | 'all', context: AuditActorContext): Promise<PrivacyHold> {
    return this.tx.run(async (m) => {
      const hold = await m.findOneBy(PrivacyHold, { id, releasedAt: IsNull() });
      if (!hold || (merchantIds !== 'all' && !merchantIds.includes(hold.merchantId)))
        throw ApiError.notFound('active legal hold', id);
      hold.releasedAt = new Date();
      hold.releasedBy = context.actor.id ?? 'unknown';
      await m.update(PrivacyHold, { id }, { releasedAt: hold.releasedAt, releasedBy: hold.releasedBy });
      await this.audit.record(
        {
          ...context,
          action: 'privacy.hold_released',
          merchantId: hold.merchantId,
          resource: { type: 'privacy_hold', id },
        },
        m,
      );
      return hold;
    });
  }

  private subject(request: PrivacyRequest): SealedSubject {
    if (!request.subjectSealed) throw new Error(`request ${request.id} no longer holds its subject`);
    return JSON.parse(this.box.open(request.subjectSealed)) as SealedSubject;
  }

  private terms(request: PrivacyRequest): SubjectTerms {
    const subject = this.subject(request);
    return subject.terms ?? { email: subject.kind === 'email' ? subject.value : subject.value, names: [] };
  }

  /** The job: runs the request to its end; safe to run again at any point. */
  async process(id: string): Promise<void> {
    const request = await this.get(id);
    if (request.status === 'completed' || request.status === 'blocked') return;
    if (request.status === 'pending')
      await this.tx.run(async (m) => {
        await m.update(PrivacyRequest, { id }, { status: 'processing' });
        await this.record(m, request, 'privacy.request_processing', SYSTEM, {});
      });
    if (request.type === 'access') return this.completeAccess(request);
    return this.completeErasure(request);
  }

  private async completeAccess(request: PrivacyRequest): Promise<void> {
    const terms = this.terms(request);
    const m = this.tx.dataSource.manager;
    const { rows, links } = await findSubjectRows(m, request.merchantId, terms);
    const withNames = { ...terms, names: namesIn(rows) };
    const again = withNames.names.length
      ? await findSubjectRows(m, request.merchantId, withNames)
      : { rows, links };
    const auditEntries = await this.auditAbout(m, [...again.links.resourceIds, request.id]);
    const document = {
      request_id: request.id,
      merchant_id: request.merchantId,
      regime: request.regime,
      subject_hash: request.subjectHash,
      generated_at: new Date().toISOString(),
      records: {
        ...Object.fromEntries([...again.rows.entries()].filter(([, list]) => list.length)),
        audit_entries: auditEntries,
      },
    };
    const counts = Object.fromEntries(
      Object.entries(document.records).map(([table, list]) => [table, list.length]),
    );
    await this.tx.run(async (m2) => {
      await m2.update(
        PrivacyRequest,
        { id: request.id },
        {
          status: 'completed',
          completedAt: new Date(),
          exportSealed: this.box.seal(JSON.stringify(document)),
          subjectSealed: null,
          certificate: { kind: 'access', records: counts },
        },
      );
      await this.record(m2, request, 'privacy.export_ready', SYSTEM, { records: counts });
      await this.record(m2, request, 'privacy.request_completed', SYSTEM, {});
    });
  }

  private async auditAbout(m: EntityManager, resourceIds: string[]): Promise<Record<string, unknown>[]> {
    if (!resourceIds.length) return [];
    return queryRows(
      m,
      'SELECT a.* FROM audit_entries a WHERE a.resource_id IN (:...ids) ORDER BY a.sequence',
      {
        ids: resourceIds,
      },
    );
  }

  private async completeErasure(request: PrivacyRequest): Promise<void> {
    const blockers = await erasureBlockers(this.tx.dataSource.manager, request, this.terms(request));
    if (blockers.length) {
      const reason = blockers.join('; ');
      await this.tx.run(async (m) => {
        await m.update(PrivacyRequest, { id: request.id }, { status: 'blocked', blockedReason: reason });
        await this.record(m, request, 'privacy.request_blocked', SYSTEM, { reason });
      });
      return;
    }
    // The key and the subject's terms are fixed before anything changes, so a retry after a crash erases the same way.
    let current = await this.get(request.id);
    let subject = this.subject(current);
    if (!current.pseudonymKeySealed || !subject.terms) {
      const base: SubjectTerms = { email: subject.value, names: [] };
      const { rows } = await findSubjectRows(this.tx.dataSource.manager, request.merchantId, base);
      subject = { ...subject, terms: { ...base, names: namesIn(rows) } };
      await this.tx.run((m) =>
        m.update(
          PrivacyRequest,
          { id: request.id },
          {
            subjectSealed: this.box.seal(JSON.stringify(subject)),
            pseudonymKeySealed:
              current.pseudonymKeySealed ?? this.box.seal(randomBytes(32).toString('base64')),
          },
        ),
      );
      current = await this.get(request.id);
    }
    const terms = subject.terms as SubjectTerms;
    const key = Buffer.from(this.box.open(current.pseudonymKeySealed as string), 'base64');
    await this.eraseAtGateways(current, terms);
    const erased = await this.tx.run(async (m) => {
      const { rows } = await findSubjectRows(m, request.merchantId, terms);
      const counts = await eraseSubjectRows(m, rows, terms, key);
      // Other requests about the same subject keep it only as a hash too.
      const others = await m.find(PrivacyRequest, {
        where: { merchantId: request.merchantId, subjectHash: request.subjectHash },
      });
      const done = others.filter((o) => o.id !== request.id && o.status === 'completed').map((o) => o.id);
      await updateById(m, 'privacy_requests', PRIVACY_COLUMNS['privacy_requests'], done);
      if (done.length) counts.push({ table: 'privacy_requests', column: 'export_sealed', rows: done.length });
      await this.record(m, request, 'privacy.records_erased', SYSTEM, { erased: counts });
      return counts;
    });
    // Nothing personal is left for the row itself to hold: the subject and the key go before the scan.
    await this.tx.run((m) =>
      m.update(PrivacyRequest, { id: request.id }, { subjectSealed: null, pseudonymKeySealed: null }),
    );
    const scan = await scanAfterErasure(this.tx.dataSource, terms, this.config.logFile);
    const certificate = {
      kind: 'erasure',
      request_id: request.id,
      merchant_id: request.merchantId,
      regime: request.regime,
      subject_hash: request.subjectHash,
      erased,
      kept: 'amounts, currencies, statuses, gateway references, masked card data (brand, last 4), reconciliation results and the audit trail',
      scan,
      completed_at: new Date().toISOString(),
    };
    await this.tx.run(async (m) => {
      await m.update(
        PrivacyRequest,
        { id: request.id },
        { status: 'completed', completedAt: new Date(), certificate },
      );
      await this.record(m, request, 'privacy.request_completed', SYSTEM, { clean: scan.clean });
    });
    if (!scan.clean)
      this.logger.warn(`erasure ${request.id}: the scan still found the subject (see its certificate)`);
  }

  /**
   * The subject's customers at the gateways: erased through the plugin's `eraseCustomer` (with
   * the cards saved there). A profile goes once its gateway confirmed, so a retried job never asks
   * twice; a failure is recorded per gateway and the job tries again later.
   */
  private async eraseAtGateways(request: PrivacyRequest, terms: SubjectTerms): Promise<void> {
    const { rows } = await findSubjectRows(this.tx.dataSource.manager, request.merchantId, terms);
    const statuses: GatewayErasure[] = [...(request.gatewayErasure ?? [])];
    const entryFor = (profile: Record<string, unknown>): GatewayErasure => {
      const reference = String(profile['gateway_customer_reference']);
      const masked = `${reference.slice(0, 4)}…${reference.slice(-4)}`;
      let entry = statuses.find((s) => s.gateway === profile['gateway'] && s.reference === masked);
      if (!entry) {
        entry = { gateway: String(profile['gateway']), reference: masked, status: 'pending', tries: 0 };
        statuses.push(entry);
      }
      return entry;
    };
    const profiles = rows.get('customer_gateway_profiles') ?? [];
    if (!profiles.length && !statuses.length) return;
    let failure: Error | null = null;
    for (const customer of rows.get('customers') ?? []) {
      const mine = profiles.filter((p) => p['customer_id'] === customer['id']).map(entryFor);
      if (!mine.length) continue;
      try {
        await this.customers.eraseAtGateways(String(customer['id']));
        for (const entry of mine) {
          entry.tries += 1;
          entry.status = entry.gateway === 'paypal' ? 'manual' : 'erased';
          entry.detail =
            entry.gateway === 'paypal'
              ? "PayPal's vaulted payment tokens were deleted; PayPal has no API to erase the payer's own PayPal account: tell the customer to ask PayPal (privacy request at paypal.com) or close the account there"
              : 'customer deleted at the gateway, with its saved payment methods';
        }
      } catch (error) {
        failure = error as Error;
        for (const entry of mine) {
          entry.tries += 1;
          entry.status = 'failed';
          entry.detail = `${(error as Error).message}; tried again with the job`;
        }
      }
    }
    await this.tx.run(async (m) => {
      await m.update(PrivacyRequest, { id: request.id }, { gatewayErasure: statuses });
      await this.record(m, request, 'privacy.gateway_erasure', SYSTEM, {
        gateways: statuses.map((s) => ({ gateway: s.gateway, status: s.status, tries: s.tries })),
      });
    });
    if (failure) throw failure;
  }

  private record(
    m: EntityManager | undefined,
    request: PrivacyRequest,
    action: string,
    context: AuditActorContext,
    after: Record<string, unknown>,
  ) {
    return this.audit.record(
      {
        ...context,
        action,
        merchantId: request.merchantId,
        resource: { type: 'privacy_request', id: request.id },
        change: { after: { type: request.type, subject_hash: request.subjectHash, ...after } },
      },
      m,
    );
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository, type EntityManager } from 'typeorm';
import { AuditService, SYSTEM_ACTOR, type AuditActorContext } from '@payrail/audit';
import { newId, TransactionRunner } from '@payrail/database';
import type { ConnectionMode, GatewayConnection, PaymentGateway } from '@payrail/plugin-sdk';
import { SecretBox, SecretReferenceError, SecretResolver } from '@payrail/secrets';
import { ConnectionError, mismatch } from './connection.errors';
import { applyValues, auditView, validBaseUrl, validName } from './connection-values';
import { checkConnectionCredentials, type StoredCredentialCheck } from './credential-check';
import { GatewayConnectionRecord } from './gateway-connection.entity';
import { GatewayRegistry } from './gateway-registry';

export { ConnectionError } from './connection.errors';
export type { StoredCredentialCheck } from './credential-check';

export const GATEWAY_TIMEOUT_MS = Symbol.for('payrail.gateway-timeout-ms');

export interface CreateConnectionInput {
  merchantId: string;
  gateway: string;
  mode: ConnectionMode;
  name?: string;
  values: Record<string, string>;
  baseUrl?: string | null;
  isDefault?: boolean;
}

export interface UpdateConnectionInput {
  name?: string;
  /** Merged into the stored values; secret fields not named keep their value. */
  values?: Record<string, string>;
  baseUrl?: string | null;
  isDefault?: boolean;
  enabled?: boolean;
}

export interface ConnectionCreateOptions {
  /** Run the plugin's `checkCredentials` before saving (default true). */
  check?: boolean;
}

/**
 * How long a connection read is reused. A change made through this process takes effect at once;
 * one made by another instance within this long.
 */
export const CONNECTION_CACHE_MS = 1_000;
const CACHE_MAX = 1_000;

/**
 * Merchants' gateway connections: credentials sealed at rest (or `env:NAME` references resolved at
 * use), checked by the plugin on create and on change, every change in the audit trail.
 */
@Injectable()
export class ConnectionService {
  /** Resolutions and lookups read in the last second, by what was asked: the payment path reads no connection row while fresh. */
  private readonly recent = new Map<string, { record: GatewayConnectionRecord | null; until: number }>();
  /** Opened secret values by connection and sealed text: a change of credentials seals anew, so it never matches. */
  private readonly opened = new Map<string, Record<string, string>>();
  /** Bumped by every change, so a read that raced one is not cached. */
  private generation = 0;

  constructor(
    @InjectRepository(GatewayConnectionRecord)
    private readonly connections: Repository<GatewayConnectionRecord>,
    private readonly registry: GatewayRegistry,
    private readonly secrets: SecretBox,
    private readonly resolver: SecretResolver,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    @Inject(GATEWAY_TIMEOUT_MS) private readonly timeoutMs: number,
  ) {}

  gatewayFor(record: GatewayConnectionRecord): PaymentGateway {
    const gateway = this.registry.get(record.gateway);
    if (!gateway) throw new ConnectionError('gateway', `the '${record.gateway}' plugin is not installed`);
    return gateway;
  }

  /**
   * The connection a payment goes to: by id, else the merchant's enabled one for `gateway` (default
   * first), else the default. With a `mode` (the API key's), only that mode's connections count;
   * one that exists only in the other mode is a 403 `livemode_mismatch`, never a fallback.
   */
  async resolve(
    merchantId: string,
    request: { connectionId?: string; gateway?: string; mode?: ConnectionMode },
  ): Promise<GatewayConnectionRecord> {
    const key = `resolve|${merchantId}|${request.connectionId ?? ''}|${request.gateway ?? ''}|${request.mode ?? ''}`;
    const cached = this.fresh(key);
    if (cached) return cached;
    const generation = this.generation;
    return this.remember(key, await this.resolveNow(merchantId, request), generation);
  }

  private async resolveNow(
    merchantId: string,
    request: { connectionId?: string; gateway?: string; mode?: ConnectionMode },
  ): Promise<GatewayConnectionRecord> {
    const mode = request.mode;
    if (request.connectionId) {
      const found = await this.connections.findOneBy({ id: request.connectionId, merchantId });
      if (!found)
        throw new ConnectionError(
          'connection_id',
          `no connection '${request.connectionId}' for this merchant`,
          404,
        );
      if (mode && found.mode !== mode) throw mismatch('connection_id', `connection '${found.id}'`, mode);
      if (request.gateway && found.gateway !== request.gateway) {
        throw new ConnectionError(
          'gateway',
          `connection '${found.id}' is a ${found.gateway} connection, not ${request.gateway}`,
        );
      }
      if (!found.enabled) throw new ConnectionError('connection_id', `connection '${found.id}' is disabled`);
      return found;
    }
    const where = {
      merchantId,
      enabled: true,
      ...(request.gateway ? { gateway: request.gateway } : { isDefault: true }),
    };
    const candidates = await this.connections.find({
      where: mode ? { ...where, mode } : where,
      order: { isDefault: 'DESC', createdAt: 'ASC' },
    });
    const found = candidates[0];
    if (!found) {
      if (mode && (await this.connections.existsBy({ ...where, mode: mode === 'live' ? 'test' : 'live' })))
        throw request.gateway
          ? mismatch('gateway', `this merchant's '${request.gateway}' connection`, mode)
          : mismatch('connection_id', "this merchant's default connection", mode);
      throw new ConnectionError(
        request.gateway ? 'gateway' : 'connection_id',
        request.gateway
          ? `this merchant has no enabled${mode ? ` ${mode}-mode` : ''} '${request.gateway}' connection`
          : `this merchant has no default${mode ? ` ${mode}-mode` : ''} connection: name a gateway or connection_id`,
      );
    }
    return found;
  }

  /**
   * Decrypted values, in memory only, for one gateway call; `env:NAME` references are read now.
   * A reference that cannot be resolved is a `ConnectionError` (409) naming the reference.
   */
  async toGatewayConnection(record: GatewayConnectionRecord): Promise<GatewayConnection> {
    let values: Record<string, string>;
    try {
      values = await this.resolver.resolveValues(this.storedValues(record));
    } catch (error) {
      if (error instanceof SecretReferenceError) {
        throw new ConnectionError(
          'connection_id',
          `connection '${record.id}' cannot be used: ${error.message}`,
          409,
        );
      }
      throw error;
    }
    return {
      id: record.id,
      mode: record.mode,
      values: Object.freeze(values),
      baseUrl: record.baseUrl ?? undefined,
      timeoutMs: this.timeoutMs,
    };
  }

  async create(
    input: CreateConnectionInput,
    context: AuditActorContext = SYSTEM_ACTOR,
    options: ConnectionCreateOptions = {},
  ): Promise<GatewayConnectionRecord> {
    const gateway = this.registry.get(input.gateway);
    if (!gateway) throw new ConnectionError('gateway', `the '${input.gateway}' plugin is not installed`);
    if (input.mode !== 'test' && input.mode !== 'live')
      throw new ConnectionError('mode', "mode must be 'test' or 'live'");
    const record = this.connections.create({
      id: newId('conn'),
      merchantId: input.merchantId,
      gateway: input.gateway,
      mode: input.mode,
      name: validName(input.name) ?? `${gateway.displayName} (${input.mode})`,
      isDefault: input.isDefault ?? false,
      enabled: true,
      baseUrl: validBaseUrl(input.mode, input.baseUrl),
      credentialCheck: null,
    });
    applyValues(record, gateway, input.values, { resolver: this.resolver, box: this.secrets });
    if (options.check !== false) record.credentialCheck = await this.check(record, gateway);
    return this.changed(async () =>
      this.tx.run(async (m) => {
        if (record.isDefault) await this.clearDefault(m, record);
        await m.save(record);
        await this.record(m, context, 'connection.created', record, { after: auditView(record) });
        return record;
      }),
    );
  }

  /**
   * Applies a partial update. New values or a new base URL are a credential change: the plugin
   * checks them again before anything is saved, and the trail says which fields changed.
   */
  async update(
    id: string,
    input: UpdateConnectionInput,
    context: AuditActorContext = SYSTEM_ACTOR,
    merchantIds: string[] | 'all' = 'all',
  ): Promise<GatewayConnectionRecord> {
    const record = await this.findVisible(id, merchantIds);
    const gateway = this.gatewayFor(record);
    const before = auditView(record);
    const credentialsChanged =
      input.values !== undefined ||
      (input.baseUrl !== undefined && (input.baseUrl ?? null) !== record.baseUrl);
    const changedFields: string[] = [];
    if (input.name !== undefined) record.name = validName(input.name) ?? record.name;
    if (input.isDefault !== undefined) record.isDefault = input.isDefault;
    if (input.baseUrl !== undefined) record.baseUrl = validBaseUrl(record.mode, input.baseUrl);
    if (input.values !== undefined) {
      if (!input.values || typeof input.values !== 'object')
        throw new ConnectionError('values', 'values must be an object of field values');
      const current = this.storedValues(record);
      for (const [key, value] of Object.entries(input.values))
        if (current[key] !== value) changedFields.push(key);
      applyValues(
        record,
        gateway,
        { ...current, ...input.values },
        { resolver: this.resolver, box: this.secrets },
      );
    }
    const enabledChange =
      input.enabled !== undefined && input.enabled !== record.enabled ? input.enabled : undefined;
    if (enabledChange !== undefined) record.enabled = enabledChange;
    if (credentialsChanged) record.credentialCheck = await this.check(record, gateway);
    return this.changed(async () =>
      this.tx.run(async (m) => {
        if (record.isDefault) await this.clearDefault(m, record);
        await m.save(record);
        const after = auditView(record);
        if (credentialsChanged) {
          await this.record(m, context, 'connection.credentials_changed', record, {
            before: {
              secretHints: before.secretHints,
              publicValues: before.publicValues,
              baseUrl: before.baseUrl,
            },
            after: {
              secretHints: after.secretHints,
              publicValues: after.publicValues,
              baseUrl: after.baseUrl,
              changedFields,
              credentialCheck: after.credentialCheck,
            },
          });
        }
        if (input.name !== undefined || input.isDefault !== undefined) {
          await this.record(m, context, 'connection.updated', record, {
            before: { name: before.name, isDefault: before.isDefault },
            after: { name: after.name, isDefault: after.isDefault },
          });
        }
        if (enabledChange !== undefined) {
          await this.record(
            m,
            context,
            enabledChange ? 'connection.enabled' : 'connection.disabled',
            record,
            {
              before: { enabled: !enabledChange },
              after: { enabled: enabledChange },
            },
          );
        }
        return record;
      }),
    );
  }

  setEnabled(
    id: string,
    enabled: boolean,
    context: AuditActorContext = SYSTEM_ACTOR,
    merchantIds: string[] | 'all' = 'all',
  ): Promise<GatewayConnectionRecord> {
    return this.update(id, { enabled }, context, merchantIds);
  }

  /** Runs the plugin's check again on the stored credentials and keeps the verdict. */
  async recheck(
    id: string,
    context: AuditActorContext = SYSTEM_ACTOR,
    merchantIds: string[] | 'all' = 'all',
  ): Promise<GatewayConnectionRecord> {
    const record = await this.findVisible(id, merchantIds);
    record.credentialCheck = await this.check(record, this.gatewayFor(record));
    return this.changed(async () =>
      this.tx.run(async (m) => {
        await m.update(
          GatewayConnectionRecord,
          { id: record.id },
          { credentialCheck: record.credentialCheck },
        );
        await this.record(
          m,
          context,
          'connection.checked',
          record,
          { after: { credentialCheck: record.credentialCheck } },
          record.credentialCheck?.valid ? 'success' : 'failure',
        );
        return record;
      }),
    );
  }

  /**
   * Removes a connection and its sealed credentials. An enabled connection is refused: disable it
   * first, so no payment starts on it while it goes.
   */
  async delete(
    id: string,
    context: AuditActorContext = SYSTEM_ACTOR,
    merchantIds: string[] | 'all' = 'all',
  ): Promise<GatewayConnectionRecord> {
    const record = await this.findVisible(id, merchantIds);
    if (record.enabled)
      throw new ConnectionError('id', `connection '${id}' is enabled: disable it before deleting it`, 409);
    return this.changed(async () =>
      this.tx.run(async (m) => {
        await m.delete(GatewayConnectionRecord, { id: record.id });
        await this.record(m, context, 'connection.deleted', record, { before: auditView(record) });
        return record;
      }),
    );
  }

  /** Merges new values into a connection (secrets are re-sealed), after checking them against the plugin's fields. */
  async updateValues(
    record: GatewayConnectionRecord,
    values: Record<string, string>,
    context: AuditActorContext = SYSTEM_ACTOR,
  ): Promise<GatewayConnectionRecord> {
    const before = auditView(record);
    applyValues(
      record,
      this.gatewayFor(record),
      { ...this.storedValues(record), ...values },
      { resolver: this.resolver, box: this.secrets },
    );
    return this.changed(async () =>
      this.tx.run(async (m) => {
        await m.save(record);
        await this.record(m, context, 'connection.credentials_changed', record, {
          before: { secretHints: before.secretHints, publicValues: before.publicValues },
          after: {
            secretHints: auditView(record).secretHints,
            publicValues: record.publicValues,
            changedFields: Object.keys(values),
          },
        });
        return record;
      }),
    );
  }

  save(record: GatewayConnectionRecord): Promise<GatewayConnectionRecord> {
    return this.changed(() => this.connections.save(record));
  }

  /** The gateways that have at least one enabled connection, of any merchant. */
  async gatewaysInUse(): Promise<string[]> {
    const rows: Array<{ gateway: string }> = await this.connections
      .createQueryBuilder('c')
      .select('DISTINCT c.gateway', 'gateway')
      .where('c.enabled = :enabled', { enabled: true })
      .getRawMany();
    return rows.map((row) => row.gateway).sort();
  }

  findForMerchant(merchantId: string, gateway?: string): Promise<GatewayConnectionRecord[]> {
    return this.connections.find({
      where: { merchantId, ...(gateway ? { gateway } : {}) },
      order: { createdAt: 'ASC' },
    });
  }

  /** Connections of the merchants given (`all` for every merchant), oldest first. */
  list(
    merchantIds: string[] | 'all',
    filter: { gateway?: string; mode?: ConnectionMode; enabled?: boolean } = {},
  ): Promise<GatewayConnectionRecord[]> {
    if (merchantIds !== 'all' && merchantIds.length === 0) return Promise.resolve([]);
    return this.connections.find({
      where: {
        ...(merchantIds === 'all' ? {} : { merchantId: In(merchantIds) }),
        ...(filter.gateway ? { gateway: filter.gateway } : {}),
        ...(filter.mode ? { mode: filter.mode } : {}),
        ...(filter.enabled !== undefined ? { enabled: filter.enabled } : {}),
      },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async findById(id: string): Promise<GatewayConnectionRecord | null> {
    const key = `id|${id}`;
    const cached = this.fresh(key);
    if (cached) return cached;
    const generation = this.generation;
    return this.remember(key, await this.connections.findOneBy({ id }), generation);
  }

  /** The connection, if it belongs to a merchant in `merchantIds`; else 404 (another merchant's connection is not revealed). */
  async findVisible(id: string, merchantIds: string[] | 'all' = 'all'): Promise<GatewayConnectionRecord> {
    const record = await this.connections.findOneBy({ id });
    if (!record || (merchantIds !== 'all' && !merchantIds.includes(record.merchantId))) {
      throw new ConnectionError('id', `no connection '${id}'`, 404);
    }
    return record;
  }

  // ---- credentials ----

  /** Every stored value by field key: public ones, and the opened secret ones (references stay references). */
  private storedValues(record: GatewayConnectionRecord): Record<string, string> {
    const key = `${record.id}|${record.secretValues}`;
    let secret = this.opened.get(key);
    if (!secret) {
      secret = JSON.parse(this.secrets.open(record.secretValues)) as Record<string, string>;
      if (this.opened.size >= CACHE_MAX) this.opened.clear();
      this.opened.set(key, secret);
    }
    return { ...record.publicValues, ...secret };
  }

  // ---- the cache of recent reads ----

  private fresh(key: string): GatewayConnectionRecord | null {
    const entry = this.recent.get(key);
    if (!entry || entry.until <= Date.now() || !entry.record) return null;
    // A copy, so a caller that changes its record never changes what others are given.
    return Object.assign(new GatewayConnectionRecord(), entry.record);
  }

  private remember<T extends GatewayConnectionRecord | null>(key: string, record: T, generation: number): T {
    if (record && generation === this.generation) {
      if (this.recent.size >= CACHE_MAX) this.recent.clear();
      this.recent.set(key, {
        record: Object.assign(new GatewayConnectionRecord(), record),
        until: Date.now() + CONNECTION_CACHE_MS,
      });
    }
    return record;
  }

  /** Runs a change, and forgets every cached read once it has committed (or failed). */
  private async changed<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } finally {
      this.generation++;
      this.recent.clear();
    }
  }

  /** Asks the plugin about the credentials; a live key on a test connection (or the reverse) is refused. */
  private check(record: GatewayConnectionRecord, gateway: PaymentGateway): Promise<StoredCredentialCheck> {
    return checkConnectionCredentials(record, gateway, () => this.toGatewayConnection(record));
  }

  private async clearDefault(m: EntityManager, record: GatewayConnectionRecord): Promise<void> {
    await m
      .createQueryBuilder()
      .update(GatewayConnectionRecord)
      .set({ isDefault: false })
      // One default per mode: a test key and a live key each have their own.
      .where('merchant_id = :merchantId AND mode = :mode AND id <> :id AND is_default = :yes', {
        merchantId: record.merchantId,
        mode: record.mode,
        id: record.id,
        yes: true,
      })
      .execute();
  }

  private record(
    m: EntityManager,
    context: AuditActorContext,
    action: string,
    record: GatewayConnectionRecord,
    change: { before?: unknown; after?: unknown },
    outcome: 'success' | 'failure' = 'success',
  ) {
    return this.audit.record(
      {
        ...context,
        action,
        outcome,
        merchantId: record.merchantId,
        resource: { type: 'connection', id: record.id },
        change,
      },
      m,
    );
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { newId } from '@payrail/database';
import type { ConnectionMode, GatewayConnection, PaymentGateway } from '@payrail/plugin-sdk';
import { SecretBox } from '@payrail/secrets';
import { GatewayConnectionRecord } from './gateway-connection.entity';
import { GatewayRegistry } from './gateway-registry';

export const GATEWAY_TIMEOUT_MS = Symbol.for('payrail.gateway-timeout-ms');

export class ConnectionError extends Error {
  constructor(
    readonly param: string,
    message: string,
    readonly status: 400 | 404 = 400,
  ) {
    super(message);
  }
}

export interface CreateConnectionInput {
  merchantId: string;
  gateway: string;
  mode: ConnectionMode;
  name?: string;
  values: Record<string, string>;
  baseUrl?: string | null;
  isDefault?: boolean;
}

export function hintOf(value: string): string {
  return value.length <= 8 ? '****' : `****${value.slice(-4)}`;
}

@Injectable()
export class ConnectionService {
  constructor(
    @InjectRepository(GatewayConnectionRecord) private readonly connections: Repository<GatewayConnectionRecord>,
    private readonly registry: GatewayRegistry,
    private readonly secrets: SecretBox,
    @Inject(GATEWAY_TIMEOUT_MS) private readonly timeoutMs: number,
  ) {}

  gatewayFor(record: GatewayConnectionRecord): PaymentGateway {
    const gateway = this.registry.get(record.gateway);
    if (!gateway) throw new ConnectionError('gateway', `the '${record.gateway}' plugin is not installed`);
    return gateway;
  }

  /** The connection a payment goes to: by id, else the merchant's enabled one for `gateway` (default first), else the default. */
  async resolve(merchantId: string, request: { connectionId?: string; gateway?: string }): Promise<GatewayConnectionRecord> {
    if (request.connectionId) {
      const found = await this.connections.findOneBy({ id: request.connectionId, merchantId });
      if (!found) throw new ConnectionError('connection_id', `no connection '${request.connectionId}' for this merchant`, 404);
      if (request.gateway && found.gateway !== request.gateway) {
        throw new ConnectionError('gateway', `connection '${found.id}' is a ${found.gateway} connection, not ${request.gateway}`);
      }
      if (!found.enabled) throw new ConnectionError('connection_id', `connection '${found.id}' is disabled`);
      return found;
    }
    const candidates = await this.connections.find({
      where: { merchantId, enabled: true, ...(request.gateway ? { gateway: request.gateway } : { isDefault: true }) },
      order: { isDefault: 'DESC', createdAt: 'ASC' },
    });
    const found = candidates[0];
    if (!found) {
      throw new ConnectionError(
        request.gateway ? 'gateway' : 'connection_id',
        request.gateway ? `this merchant has no enabled '${request.gateway}' connection` : 'this merchant has no default connection: name a gateway or connection_id',
      );
    }
    return found;
  }

  /** Decrypted values, in memory only, for one gateway call. */
  toGatewayConnection(record: GatewayConnectionRecord): GatewayConnection {
    const secret = JSON.parse(this.secrets.open(record.secretValues)) as Record<string, string>;
    return {
      id: record.id,
      mode: record.mode,
      values: Object.freeze({ ...record.publicValues, ...secret }),
      baseUrl: record.baseUrl ?? undefined,
      timeoutMs: this.timeoutMs,
    };
  }

  async create(input: CreateConnectionInput): Promise<GatewayConnectionRecord> {
    const gateway = this.registry.get(input.gateway);
    if (!gateway) throw new ConnectionError('gateway', `the '${input.gateway}' plugin is not installed`);
    const record = this.connections.create({
      id: newId('conn'),
      merchantId: input.merchantId,
      gateway: input.gateway,
      mode: input.mode,
      name: input.name ?? `${gateway.displayName} (${input.mode})`,
      isDefault: input.isDefault ?? false,
      enabled: true,
      baseUrl: input.baseUrl ?? null,
      credentialCheck: null,
    });
    this.applyValues(record, gateway, input.values);
    return this.connections.save(record);
  }

  /** Merges new values into a connection (secrets are re-sealed), after checking them against the plugin's fields. */
  async updateValues(record: GatewayConnectionRecord, values: Record<string, string>): Promise<GatewayConnectionRecord> {
    const current = { ...record.publicValues, ...(JSON.parse(this.secrets.open(record.secretValues)) as Record<string, string>) };
    this.applyValues(record, this.gatewayFor(record), { ...current, ...values });
    return this.connections.save(record);
  }

  save(record: GatewayConnectionRecord): Promise<GatewayConnectionRecord> {
    return this.connections.save(record);
  }

  findForMerchant(merchantId: string, gateway?: string): Promise<GatewayConnectionRecord[]> {
    return this.connections.find({ where: { merchantId, ...(gateway ? { gateway } : {}) }, order: { createdAt: 'ASC' } });
  }

  findById(id: string): Promise<GatewayConnectionRecord | null> {
    return this.connections.findOneBy({ id });
  }

  private applyValues(record: GatewayConnectionRecord, gateway: PaymentGateway, values: Record<string, string>): void {
    const publicValues: Record<string, string> = {};
    const secretValues: Record<string, string> = {};
    const hints: Record<string, string> = {};
    for (const key of Object.keys(values)) {
      if (!gateway.fields.some((f) => f.key === key)) throw new ConnectionError(`values.${key}`, `'${key}' is not a ${gateway.code} connection field`);
    }
    for (const field of gateway.fields) {
      const value = values[field.key];
      if (value === undefined || value === '') {
        if (field.required) throw new ConnectionError(`values.${field.key}`, `${field.label} is required`);
        continue;
      }
      if (field.pattern && !new RegExp(field.pattern).test(value)) {
        throw new ConnectionError(`values.${field.key}`, `${field.label} does not look right (expected to match ${field.pattern})`);
      }
      if (field.secret) {
        secretValues[field.key] = value;
        hints[field.key] = hintOf(value);
      } else {
        publicValues[field.key] = value;
      }
    }
    record.publicValues = publicValues;
    record.secretValues = this.secrets.seal(JSON.stringify(secretValues));
    record.secretHints = hints;
  }
}

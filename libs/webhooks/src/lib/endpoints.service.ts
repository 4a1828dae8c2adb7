import { Inject, Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import { AuditService, SYSTEM_ACTOR, type AuditActorContext } from '@payrail/audit';
import { newId, TransactionRunner } from '@payrail/database';
import { SecretBox } from '@payrail/secrets';
import { newSigningSecret } from './signature';
import { checkUrl, OutboundRefused, resolveTarget } from './ssrf-guard';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WEBHOOKS_OPTIONS, type WebhooksModuleOptions } from './webhooks.options';

/** The event types an endpoint may ask for; `*` is every one. */
export const WEBHOOK_EVENT_TYPES = [
  'payment.authorizing',
  'payment.requires_action',
  'payment.authorized',
  'payment.partially_captured',
  'payment.captured',
  'payment.partially_refunded',
  'payment.refunded',
  'payment.voided',
  'payment.failed',
  'payment.unknown',
  'payment.review_required',
  'refund.succeeded',
  'refund.failed',
  'refund.unknown',
  'dispute.created',
  'dispute.updated',
  'dispute.closed',
] as const;

export type EndpointMode = 'test' | 'live';

export interface CreateEndpointInput {
  /** Test endpoints get test events only, live endpoints live events only. */
  mode: EndpointMode;
  url: string;
  eventTypes: string[];
  description?: string;
}

@Injectable()
export class EndpointsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
    @Inject(WEBHOOKS_OPTIONS) private readonly options: WebhooksModuleOptions,
  ) {}

  /** Registers an endpoint; the signing secret is returned here and never again. */
  async create(
    merchantId: string,
    input: CreateEndpointInput,
    context: AuditActorContext = SYSTEM_ACTOR,
  ): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    await this.vetUrl(input.url);
    const types = this.vetTypes(input.eventTypes);
    if (input.mode !== 'test' && input.mode !== 'live')
      throw ApiError.invalid('mode', "mode must be 'test' or 'live'");
    const secret = newSigningSecret();
    const endpoint = this.tx.dataSource.getRepository(WebhookEndpoint).create({
      id: newId('we'),
      merchantId,
      mode: input.mode,
      url: input.url,
      eventTypes: types,
      description: input.description ?? null,
      secretSealed: this.box.seal(secret),
      secretHint: secret.slice(-4),
      enabled: true,
    });
    await this.tx.run(async (m) => {
      await m.save(endpoint);
      await this.record(m, context, 'webhook_endpoint.created', endpoint, null, describe(endpoint));
    });
    return { endpoint, secret };
  }

  /** With a `mode` (an API key's), only that mode's endpoints. */
  async list(merchantIds: string[] | 'all', mode?: EndpointMode): Promise<WebhookEndpoint[]> {
    if (merchantIds !== 'all' && merchantIds.length === 0) return [];
    return this.tx.dataSource.getRepository(WebhookEndpoint).find({
      where: {
        ...(merchantIds === 'all' ? {} : { merchantId: In(merchantIds) }),
        ...(mode ? { mode } : {}),
      },
      order: { id: 'DESC' },
      take: 200,
    });
  }

  /** The endpoint, or 404 when it is another merchant's or (given a key's `mode`) the other mode's. */
  async get(id: string, merchantIds: string[] | 'all', mode?: EndpointMode): Promise<WebhookEndpoint> {
    const endpoint = await this.tx.dataSource.getRepository(WebhookEndpoint).findOneBy({ id });
    if (
      !endpoint ||
      (merchantIds !== 'all' && !merchantIds.includes(endpoint.merchantId)) ||
      (mode && endpoint.mode !== mode)
    )
      throw ApiError.notFound('webhook endpoint', id);
    return endpoint;
  }

  async update(
    id: string,
    merchantIds: string[] | 'all',
    input: { url?: string; eventTypes?: string[]; enabled?: boolean; description?: string },
    context: AuditActorContext = SYSTEM_ACTOR,
    mode?: EndpointMode,
  ): Promise<WebhookEndpoint> {
    const endpoint = await this.get(id, merchantIds, mode);
    const before = describe(endpoint);
    if (input.url !== undefined) {
      await this.vetUrl(input.url);
      endpoint.url = input.url;
    }
    if (input.eventTypes !== undefined) endpoint.eventTypes = this.vetTypes(input.eventTypes);
    if (input.enabled !== undefined) endpoint.enabled = input.enabled;
    if (input.description !== undefined) endpoint.description = input.description;
    return this.tx.run(async (m) => {
      const saved = await m.save(endpoint);
      await this.record(m, context, 'webhook_endpoint.updated', endpoint, before, describe(endpoint));
      return saved;
    });
  }

  async remove(
    id: string,
    merchantIds: string[] | 'all',
    context: AuditActorContext = SYSTEM_ACTOR,
    mode?: EndpointMode,
  ): Promise<void> {
    const endpoint = await this.get(id, merchantIds, mode);
    await this.tx.run(async (m) => {
      await m.delete(WebhookEndpoint, { id: endpoint.id });
      await this.record(m, context, 'webhook_endpoint.deleted', endpoint, describe(endpoint), null);
    });
  }

  private record(
    m: EntityManager,
    context: AuditActorContext,
    action: string,
    endpoint: WebhookEndpoint,
    before: unknown,
    after: unknown,
  ) {
    return this.audit.record(
      {
        ...context,
        action,
        merchantId: endpoint.merchantId,
        resource: { type: 'webhook_endpoint', id: endpoint.id },
        change: { before, after },
      },
      m,
    );
  }

  secretOf(endpoint: WebhookEndpoint): string {
    return this.box.open(endpoint.secretSealed);
  }

  /** The SSRF guard at registration: scheme, literal addresses and what the host resolves to now. */
  private async vetUrl(url: string): Promise<void> {
    if (typeof url !== 'string' || url.length > 2048)
      throw ApiError.invalid('url', 'url must be a URL of at most 2048 characters');
    const policy = { allowHttpLoopback: this.options.allowHttpLoopback === true };
    try {
      await resolveTarget(checkUrl(url, policy), policy);
    } catch (error) {
      if (error instanceof OutboundRefused) throw ApiError.invalid('url', error.reason);
      throw error;
    }
  }

  private vetTypes(types: string[]): string[] {
    if (!Array.isArray(types) || types.length === 0)
      throw ApiError.invalid('event_types', 'event_types must list at least one event type, or "*" for all');
    for (const type of types) {
      if (type !== '*' && !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(type)) {
        throw ApiError.invalid(
          'event_types',
          `unknown event type '${type}': expected * or one of ${WEBHOOK_EVENT_TYPES.join(', ')}`,
        );
      }
    }
    return [...new Set(types)];
  }
}

/** What the audit trail keeps of an endpoint: never its secret. */
function describe(e: WebhookEndpoint): Record<string, unknown> {
  return {
    mode: e.mode,
    url: e.url,
    event_types: e.eventTypes,
    enabled: e.enabled,
    description: e.description,
  };
}

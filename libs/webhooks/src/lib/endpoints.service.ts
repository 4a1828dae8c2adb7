import { Inject, Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import { newId, TransactionRunner } from '@payrail/database';
import { SecretBox } from '@payrail/secrets';
import { newSigningSecret } from './signature';
import { checkUrl, OutboundRefused, resolveTarget } from './ssrf-guard';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WEBHOOKS_OPTIONS, type WebhooksModuleOptions } from './webhooks.options';

/** The event types an endpoint may ask for; `*` is every one. */
export const WEBHOOK_EVENT_TYPES = [
  'payment.requires_payment_method',
  'payment.authorizing',
  'payment.requires_action',
  'payment.authorized',
  'payment.capturing',
  'payment.partially_captured',
  'payment.captured',
  'payment.partially_refunded',
  'payment.refunded',
  'payment.voided',
  'payment.failed',
  'payment.unknown',
  'payment.review_required',
  'refund.pending',
  'refund.succeeded',
  'refund.failed',
  'refund.unknown',
] as const;

export interface CreateEndpointInput {
  url: string;
  eventTypes: string[];
  description?: string;
}

@Injectable()
export class EndpointsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly box: SecretBox,
    @Inject(WEBHOOKS_OPTIONS) private readonly options: WebhooksModuleOptions,
  ) {}

  /** Registers an endpoint; the signing secret is returned here and never again. */
  async create(
    merchantId: string,
    input: CreateEndpointInput,
  ): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    await this.vetUrl(input.url);
    const types = this.vetTypes(input.eventTypes);
    const secret = newSigningSecret();
    const endpoint = this.tx.dataSource.getRepository(WebhookEndpoint).create({
      id: newId('we'),
      merchantId,
      url: input.url,
      eventTypes: types,
      description: input.description ?? null,
      secretSealed: this.box.seal(secret),
      secretHint: secret.slice(-4),
      enabled: true,
    });
    await this.tx.run((m) => m.save(endpoint));
    return { endpoint, secret };
  }

  async list(merchantIds: string[] | 'all'): Promise<WebhookEndpoint[]> {
    if (merchantIds !== 'all' && merchantIds.length === 0) return [];
    return this.tx.dataSource.getRepository(WebhookEndpoint).find({
      where: merchantIds === 'all' ? {} : { merchantId: In(merchantIds) },
      order: { id: 'DESC' },
      take: 200,
    });
  }

  async get(id: string, merchantIds: string[] | 'all'): Promise<WebhookEndpoint> {
    const endpoint = await this.tx.dataSource.getRepository(WebhookEndpoint).findOneBy({ id });
    if (!endpoint || (merchantIds !== 'all' && !merchantIds.includes(endpoint.merchantId)))
      throw ApiError.notFound('webhook endpoint', id);
    return endpoint;
  }

  async update(
    id: string,
    merchantIds: string[] | 'all',
    input: { url?: string; eventTypes?: string[]; enabled?: boolean; description?: string },
  ): Promise<WebhookEndpoint> {
    const endpoint = await this.get(id, merchantIds);
    if (input.url !== undefined) {
      await this.vetUrl(input.url);
      endpoint.url = input.url;
    }
    if (input.eventTypes !== undefined) endpoint.eventTypes = this.vetTypes(input.eventTypes);
    if (input.enabled !== undefined) endpoint.enabled = input.enabled;
    if (input.description !== undefined) endpoint.description = input.description;
    return this.tx.run((m) => m.save(endpoint));
  }

  async remove(id: string, merchantIds: string[] | 'all'): Promise<void> {
    const endpoint = await this.get(id, merchantIds);
    await this.tx.run((m) => m.delete(WebhookEndpoint, { id: endpoint.id }));
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

import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type {
  CreatedWebhookEndpointResource,
  WebhookDeliveryResource,
  WebhookEndpointResource,
  WebhookListResponse,
} from '@payrail/api-contract';
import type { AuditActorContext } from '@payrail/audit';
import { ApiKeyAuth, type ApiKeyRequest } from '@payrail/identity';
import { EndpointsService } from './endpoints.service';
import { OutboxService } from './outbox.service';
import { CreateWebhookEndpointDto, DeliveryQueryDto, UpdateWebhookEndpointDto } from './webhooks.dto';
import { presentDelivery, presentEndpoint } from './webhooks.presenter';

/** The merchant's API key and where the call came from, for the audit trail. */
function keyContext(req: ApiKeyRequest & { requestId?: string }): AuditActorContext {
  return {
    actor: { type: 'api_key', id: req.apiKey?.id ?? null },
    origin: {
      ip: req.ip ?? null,
      userAgent: req.header('user-agent') ?? null,
      requestId: req.requestId ?? null,
    },
  };
}

/** The calling key's mode: a key sees and registers only its own mode's endpoints. */
function keyMode(req: ApiKeyRequest): 'test' | 'live' {
  return req.apiKey?.mode === 'live' ? 'live' : 'test';
}

/** A merchant's own webhook endpoints, with its secret key: `/v1/webhook_endpoints`. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhook_endpoints')
@ApiKeyAuth('payments:read')
export class MerchantWebhooksController {
  constructor(
    private readonly endpoints: EndpointsService,
    private readonly outbox: OutboxService,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiKeyAuth('payments:write')
  @ApiOperation({ summary: 'Register an endpoint; the answer carries its signing secret, shown this once' })
  async create(
    @Req() req: ApiKeyRequest,
    @Body() body: CreateWebhookEndpointDto,
  ): Promise<CreatedWebhookEndpointResource> {
    const { endpoint, secret } = await this.endpoints.create(
      req.merchantId as string,
      {
        mode: keyMode(req),
        url: body.url,
        eventTypes: body.event_types,
        description: body.description,
      },
      keyContext(req),
    );
    return { ...presentEndpoint(endpoint), secret };
  }

  @Get()
  async list(@Req() req: ApiKeyRequest): Promise<WebhookListResponse<WebhookEndpointResource>> {
    return {
      object: 'list',
      data: (await this.endpoints.list([req.merchantId as string], keyMode(req))).map(presentEndpoint),
      has_more: false,
    };
  }

  @Get(':id')
  async get(@Req() req: ApiKeyRequest, @Param('id') id: string): Promise<WebhookEndpointResource> {
    return presentEndpoint(await this.endpoints.get(id, [req.merchantId as string], keyMode(req)));
  }

  @Patch(':id')
  @ApiKeyAuth('payments:write')
  async update(
    @Req() req: ApiKeyRequest,
    @Param('id') id: string,
    @Body() body: UpdateWebhookEndpointDto,
  ): Promise<WebhookEndpointResource> {
    return presentEndpoint(
      await this.endpoints.update(
        id,
        [req.merchantId as string],
        {
          url: body.url,
          eventTypes: body.event_types,
          enabled: body.enabled,
          description: body.description,
        },
        keyContext(req),
        keyMode(req),
      ),
    );
  }

  @Delete(':id')
  @ApiKeyAuth('payments:write')
  async remove(@Req() req: ApiKeyRequest, @Param('id') id: string): Promise<{ id: string; deleted: true }> {
    await this.endpoints.remove(id, [req.merchantId as string], keyContext(req), keyMode(req));
    return { id, deleted: true };
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: "An endpoint's deliveries, newest first" })
  async deliveries(
    @Req() req: ApiKeyRequest,
    @Param('id') id: string,
    @Query() query: DeliveryQueryDto,
  ): Promise<WebhookListResponse<WebhookDeliveryResource>> {
    await this.endpoints.get(id, [req.merchantId as string], keyMode(req));
    const rows = await this.outbox.listDeliveries({
      merchantIds: [req.merchantId as string],
      endpointId: id,
      state: query.state,
      eventId: query.event_id,
      limit: query.limit ?? 25,
    });
    return { object: 'list', data: rows.map((d) => presentDelivery(d)), has_more: false };
  }
}

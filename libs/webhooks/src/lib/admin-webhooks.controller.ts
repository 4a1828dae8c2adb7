import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type {
  CreatedWebhookEndpointResource,
  InboxEventResource,
  WebhookDeliveryResource,
  WebhookEndpointResource,
  WebhookListResponse,
} from '@payrail/api-contract';
import type { Request } from 'express';
import { ApiError } from '@payrail/api-contract';
import { AuditService, type AuditActorContext } from '@payrail/audit';
import {
  assertMerchantAccess,
  CurrentAdmin,
  merchantFilter,
  RequirePolicy,
  type AdminPrincipal,
} from '@payrail/identity';
import { EndpointsService } from './endpoints.service';
import { InboxService } from './inbox.service';
import { OutboxService } from './outbox.service';
import { AdminCreateWebhookEndpointDto, DeliveryQueryDto, InboxQueryDto } from './webhooks.dto';
import { presentDelivery, presentEndpoint, presentInboxEvent } from './webhooks.presenter';

function adminContext(admin: AdminPrincipal, req: Request & { requestId?: string }): AuditActorContext {
  return {
    actor: { type: 'user', id: admin.userId },
    origin: {
      ip: req.ip ?? null,
      userAgent: req.header('user-agent') ?? null,
      requestId: req.requestId ?? null,
    },
  };
}

/** The console's view of webhooks: the inbound inbox (filter, effect, replay) and merchants' endpoints and deliveries (redeliver). */
@ApiTags('admin')
@Controller('admin/webhooks')
export class AdminWebhooksController {
  constructor(
    private readonly inbox: InboxService,
    private readonly endpoints: EndpointsService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
  ) {}

  @Get('inbox')
  @RequirePolicy('read', 'InboxEvent')
  @ApiOperation({
    summary:
      'Inbound gateway events, newest first; filter by merchant, connection, state, payment reference or gateway event id',
  })
  async listInbox(
    @CurrentAdmin() admin: AdminPrincipal,
    @Query() query: InboxQueryDto,
  ): Promise<WebhookListResponse<InboxEventResource>> {
    const page = await this.inbox.list({
      merchantIds: merchantFilter(admin, query.merchant_id),
      connectionId: query.connection_id,
      state: query.state,
      paymentReference: query.payment_reference,
      gatewayEventId: query.gateway_event_id,
      limit: query.limit ?? 25,
      startingAfter: query.starting_after,
    });
    return { object: 'list', data: page.data.map((e) => presentInboxEvent(e)), has_more: page.hasMore };
  }

  @Get('inbox/:id')
  @RequirePolicy('read', 'InboxEvent')
  @ApiOperation({ summary: 'One inbound event: what the gateway sent and what applying it did' })
  async getInbox(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
  ): Promise<InboxEventResource> {
    return presentInboxEvent(await this.inbox.get(id, admin.merchantIds), true);
  }

  @Post('inbox/:id/replay')
  @HttpCode(202)
  @RequirePolicy('replay', 'InboxEvent')
  @ApiOperation({
    summary: 'Apply a stored event again (forward-only: it can never move a payment backwards)',
  })
  async replay(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
    @Req() req: Request,
  ): Promise<InboxEventResource> {
    const row = await this.inbox.get(id, admin.merchantIds);
    assertMerchantAccess(admin, 'replay', 'InboxEvent', row.merchantId, { what: 'inbox event', id });
    const replayed = await this.inbox.replay(id, admin.merchantIds);
    await this.audit.record({
      ...adminContext(admin, req),
      action: 'webhook_inbox.replayed',
      merchantId: row.merchantId,
      resource: { type: 'inbox_event', id },
    });
    return presentInboxEvent(replayed);
  }

  @Get('endpoints')
  @RequirePolicy('read', 'WebhookEndpoint')
  async listEndpoints(
    @CurrentAdmin() admin: AdminPrincipal,
    @Query('merchant_id') merchantId?: string,
  ): Promise<WebhookListResponse<WebhookEndpointResource>> {
    return {
      object: 'list',
      data: (await this.endpoints.list(merchantFilter(admin, merchantId))).map(presentEndpoint),
      has_more: false,
    };
  }

  @Post('endpoints')
  @HttpCode(201)
  @RequirePolicy('create', 'WebhookEndpoint')
  @ApiOperation({
    summary: 'Register an endpoint for a merchant; the answer carries its signing secret, shown this once',
  })
  async createEndpoint(
    @CurrentAdmin() admin: AdminPrincipal,
    @Body() body: AdminCreateWebhookEndpointDto,
    @Req() req: Request,
  ): Promise<CreatedWebhookEndpointResource> {
    const visible = merchantFilter(admin, body.merchant_id);
    const merchantId =
      body.merchant_id ?? (visible !== 'all' && visible.length === 1 ? visible[0] : undefined);
    if (!merchantId)
      throw ApiError.invalid(
        'merchant_id',
        'merchant_id is required: say which merchant the endpoint is for',
      );
    assertMerchantAccess(admin, 'create', 'WebhookEndpoint', merchantId, {
      what: 'merchant',
      id: merchantId,
    });
    const { endpoint, secret } = await this.endpoints.create(
      merchantId,
      {
        mode: body.mode ?? 'test',
        url: body.url,
        eventTypes: body.event_types,
        description: body.description,
      },
      adminContext(admin, req),
    );
    return { ...presentEndpoint(endpoint), secret };
  }

  @Get('deliveries')
  @RequirePolicy('read', 'WebhookDelivery')
  async listDeliveries(
    @CurrentAdmin() admin: AdminPrincipal,
    @Query() query: DeliveryQueryDto,
  ): Promise<WebhookListResponse<WebhookDeliveryResource>> {
    const rows = await this.outbox.listDeliveries({
      merchantIds: merchantFilter(admin, query.merchant_id),
      endpointId: query.endpoint_id,
      eventId: query.event_id,
      state: query.state,
      limit: query.limit ?? 25,
    });
    return { object: 'list', data: rows.map((d) => presentDelivery(d)), has_more: false };
  }

  @Get('deliveries/:id')
  @RequirePolicy('read', 'WebhookDelivery')
  @ApiOperation({ summary: 'One delivery with its log: status code, latency and error of every try' })
  async getDelivery(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
  ): Promise<WebhookDeliveryResource> {
    const delivery = await this.outbox.getDelivery(id, admin.merchantIds);
    return presentDelivery(delivery, await this.outbox.attemptsOf(id));
  }

  @Post('deliveries/:id/redeliver')
  @HttpCode(202)
  @RequirePolicy('retry', 'WebhookDelivery')
  @ApiOperation({ summary: 'Send a delivery again now' })
  async redeliver(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
    @Req() req: Request,
  ): Promise<WebhookDeliveryResource> {
    const delivery = await this.outbox.getDelivery(id, admin.merchantIds);
    assertMerchantAccess(admin, 'retry', 'WebhookDelivery', delivery.merchantId, {
      what: 'webhook delivery',
      id,
    });
    const redelivered = await this.outbox.redeliver(id, admin.merchantIds);
    await this.audit.record({
      ...adminContext(admin, req),
      action: 'webhook_delivery.redelivered',
      merchantId: delivery.merchantId,
      resource: { type: 'webhook_delivery', id },
    });
    return presentDelivery(redelivered);
  }
}

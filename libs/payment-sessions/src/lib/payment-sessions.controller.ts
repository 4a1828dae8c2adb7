import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditActorContext } from '@payrail/audit';
import { ApiKeyAuth, Public, type ApiKeyRequest } from '@payrail/identity';
import type { Request } from 'express';
import { CheckoutOriginsService } from './checkout-origins.service';
import { presentClientSession, presentSession } from './payment-session.presenter';
import {
  CheckoutOriginsDto,
  ClientSecretQuery,
  ConfirmPaymentSessionDto,
  CreatePaymentSessionDto,
  GatewayOrderDto,
} from './payment-sessions.dto';
import { PaymentSessionsService, type SessionOwner } from './payment-sessions.service';

function keyOwner(req: ApiKeyRequest): SessionOwner {
  return { merchantId: req.merchantId as string, mode: req.apiKey?.mode === 'live' ? 'live' : 'test' };
}

/** A merchant's sessions, with its secret key: create one for a customer, read where it stands. */
@ApiTags('payment sessions')
@ApiBearerAuth()
@Controller('v1/payment_sessions')
@ApiKeyAuth('payments:read')
export class PaymentSessionsController {
  constructor(private readonly sessions: PaymentSessionsService) {}

  @Post()
  @ApiKeyAuth('payments:write')
  @HttpCode(201)
  @ApiOperation({
    summary:
      "Create a session for the customer's browser: the answer's client_secret goes to the page, never the secret key",
  })
  async create(@Req() req: ApiKeyRequest, @Body() body: CreatePaymentSessionDto) {
    const { view, clientSecret, url } = await this.sessions.create(keyOwner(req), {
      amount: body.amount,
      currency: body.currency,
      captureMethod: body.capture_method ?? 'automatic',
      customer: body.customer,
      description: body.description,
      metadata: body.metadata,
      returnUrl: body.return_url,
      gateway: body.gateway,
      connectionId: body.connection_id,
      expiresInSeconds: body.expires_in,
    });
    return { ...presentSession(view), client_secret: clientSecret, url };
  }

  @Get(':id')
  async get(@Req() req: ApiKeyRequest, @Param('id') id: string) {
    return presentSession(await this.sessions.get(keyOwner(req), id));
  }
}

/**
 * The calls a browser makes with a session's client secret, and nothing else: its public
 * configuration, confirm, and (for PayPal's card fields) an order to attach the card to.
 */
@ApiTags('payment sessions')
@Controller('v1/payment_sessions/:id')
@Public()
export class CheckoutClientController {
  constructor(private readonly sessions: PaymentSessionsService) {}

  @Get('client')
  @ApiOperation({ summary: "The session's public configuration: gateway, its public keys, amount, methods" })
  async client(@Param('id') id: string, @Query() query: ClientSecretQuery) {
    const session = await this.sessions.authenticate(id, query.client_secret);
    const { view, config, sdk, methods } = await this.sessions.clientConfig(session);
    return { ...presentClientSession(view), methods, gateway_config: config, sdk };
  }

  @Post('gateway_order')
  @HttpCode(201)
  @ApiOperation({
    summary:
      "An order at the session's gateway for its browser SDK to confirm (a PayPal order, a Stripe PaymentIntent and its client secret): the session's amount, no money held",
  })
  async gatewayOrder(@Param('id') id: string, @Body() body: GatewayOrderDto) {
    const session = await this.sessions.authenticate(id, body.client_secret);
    const order = await this.sessions.gatewayOrder(session);
    return {
      object: 'gateway_order',
      id: order.id,
      gateway: session.gateway,
      ...(order.clientSecret ? { client_secret: order.clientSecret } : {}),
    };
  }

  @Post('confirm')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Pay with the gateway's token (at most once; a repeat answers where the first stands), or go on after 3-D Secure or approval",
  })
  async confirm(
    @Req() req: Request & { requestId?: string },
    @Param('id') id: string,
    @Body() body: ConfirmPaymentSessionDto,
  ) {
    const session = await this.sessions.authenticate(id, body.client_secret);
    const context: AuditActorContext = {
      actor: { type: 'system', id: `payment_session:${session.id}` },
      origin: {
        ip: req.ip ?? null,
        userAgent: req.header('user-agent') ?? null,
        requestId: req.requestId ?? null,
      },
    };
    return presentClientSession(await this.sessions.confirm(session, body.token, context));
  }
}

/** The origins whose pages may mount the checkout (CORS for the browser's two calls). */
@ApiTags('payment sessions')
@ApiBearerAuth()
@Controller('v1/checkout/origins')
@ApiKeyAuth('payments:read')
export class CheckoutOriginsController {
  constructor(private readonly origins: CheckoutOriginsService) {}

  @Get()
  async list(@Req() req: ApiKeyRequest) {
    return { object: 'checkout_origins', origins: await this.origins.list(req.merchantId as string) };
  }

  @Put()
  @ApiKeyAuth('payments:write')
  @ApiOperation({
    summary: 'Replace the origins (scheme://host[:port]) whose pages may call sessions from the browser',
  })
  async replace(@Req() req: ApiKeyRequest, @Body() body: CheckoutOriginsDto) {
    return {
      object: 'checkout_origins',
      origins: await this.origins.replace(req.merchantId as string, body.origins),
    };
  }
}

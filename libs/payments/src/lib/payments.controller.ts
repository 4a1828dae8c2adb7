import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type {
  ListResponse,
  PaymentEventResource,
  PaymentResource,
  RefundResource,
} from '@payrail/api-contract';
import { ApiError } from '@payrail/api-contract';
import { ApiKeyAuth, type ApiKeyRequest } from '@payrail/identity';
import {
  AnswerWith,
  ClaimKeyWithFirstAttempt,
  IdempotencyInterceptor,
  type MerchantRequest,
} from './idempotency.interceptor';
import { CapturePaymentDto, CreatePaymentDto, ListPaymentsQuery, RefundPaymentDto } from './payments.dto';
import { presentEvent, presentPayment, presentRefund } from './payment.presenter';
import type { PaymentOwner } from './payment-owner';
import type { CreatePaymentInput } from './payment-creation';
import { PaymentsService } from './payments.service';
import type { RequestContext } from './request-context';

/** Who is calling and from where, for the audit trail (the merchant's API key), and the request's key. */
function auditContext(
  req: ApiKeyRequest & Pick<MerchantRequest, 'requestId' | 'requestKey'>,
): RequestContext {
  return {
    actor: { type: 'api_key', id: req.apiKey?.id ?? null },
    origin: {
      ip: req.ip ?? null,
      userAgent: req.header('user-agent') ?? null,
      requestId: req.requestId ?? null,
    },
    requestKey: req.requestKey,
  };
}

/** The key's merchant in the key's mode: a test key reaches test payments and connections only, a live key live ones. */
function keyOwner(req: ApiKeyRequest): PaymentOwner {
  return { merchantId: req.merchantId as string, mode: req.apiKey?.mode === 'live' ? 'live' : 'test' };
}

/** A token, a raw card, or a saved card (`customer_id` + `payment_method_id`): exactly one. */
function paymentMethodOf(body: CreatePaymentDto): CreatePaymentInput['paymentMethod'] {
  const method = body.payment_method;
  if (body.payment_method_id || body.customer_id) {
    if (method)
      throw ApiError.invalid('payment_method', 'send payment_method or payment_method_id, not both');
    if (!body.customer_id)
      throw ApiError.invalid('customer_id', 'payment_method_id needs the customer_id it is saved for');
    if (!body.payment_method_id)
      throw ApiError.invalid(
        'payment_method_id',
        'customer_id needs the payment_method_id of a card saved for it',
      );
    return { saved: { customerId: body.customer_id, methodId: body.payment_method_id } };
  }
  if (!method)
    throw ApiError.invalid(
      'payment_method',
      'payment_method is required (or customer_id and payment_method_id)',
    );
  if (!!method.token === !!method.card)
    throw ApiError.invalid('payment_method', 'payment_method must have exactly one of token or card');
  return method.card
    ? {
        card: {
          number: method.card.number,
          expMonth: method.card.exp_month,
          expYear: method.card.exp_year,
          cvc: method.card.cvc,
          name: method.card.name,
        },
      }
    : { token: method.token as string };
}

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Same key and body replay the first response for 48 h',
};

@ApiTags('payments')
@ApiBearerAuth()
@Controller('v1/payments')
@ApiKeyAuth('payments:read')
@UseInterceptors(IdempotencyInterceptor)
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post()
  @ApiKeyAuth('payments:write')
  @HttpCode(201)
  @ClaimKeyWithFirstAttempt()
  @AnswerWith(presentPayment)
  @ApiOperation({
    summary:
      'Create a payment: tokenize a raw card if given, authorize, and capture when capture_method is automatic',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  async create(@Req() req: ApiKeyRequest, @Body() body: CreatePaymentDto): Promise<PaymentResource> {
    const payment = await this.payments.create(
      keyOwner(req),
      {
        amount: body.amount,
        currency: body.currency,
        captureMethod: body.capture_method ?? 'automatic',
        paymentMethod: paymentMethodOf(body),
        offSession: body.off_session,
        gateway: body.gateway,
        connectionId: body.connection_id,
        customer: body.customer,
        description: body.description,
        metadata: body.metadata,
      },
      auditContext(req),
    );
    return presentPayment(payment);
  }

  @Get()
  @ApiOperation({ summary: 'List payments, newest first, with cursor pagination' })
  async list(
    @Req() req: ApiKeyRequest,
    @Query() query: ListPaymentsQuery,
  ): Promise<ListResponse<PaymentResource>> {
    const { data, hasMore } = await this.payments.list(keyOwner(req), {
      status: query.status,
      gateway: query.gateway,
      createdGte: query.created_gte ? new Date(query.created_gte) : undefined,
      createdLt: query.created_lt ? new Date(query.created_lt) : undefined,
      limit: query.limit ?? 10,
      startingAfter: query.starting_after,
    });
    return { object: 'list', data: data.map(presentPayment), has_more: hasMore };
  }

  @Get(':id')
  async get(@Req() req: ApiKeyRequest, @Param('id') id: string): Promise<PaymentResource> {
    return presentPayment(await this.payments.get(keyOwner(req), id));
  }

  @Post(':id/capture')
  @ApiKeyAuth('payments:write')
  @HttpCode(200)
  @ClaimKeyWithFirstAttempt()
  @AnswerWith(presentPayment)
  @ApiOperation({ summary: 'Capture all or part of an authorization' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  async capture(
    @Req() req: ApiKeyRequest,
    @Param('id') id: string,
    @Body() body: CapturePaymentDto,
  ): Promise<PaymentResource> {
    return presentPayment(await this.payments.capture(keyOwner(req), id, body, auditContext(req)));
  }

  @Post(':id/void')
  @ApiKeyAuth('payments:write')
  @HttpCode(200)
  @AnswerWith(presentPayment)
  @ApiOperation({ summary: 'Release an authorization that has not been captured' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  async void(@Req() req: ApiKeyRequest, @Param('id') id: string): Promise<PaymentResource> {
    return presentPayment(await this.payments.void(keyOwner(req), id, auditContext(req)));
  }

  @Post(':id/refunds')
  @ApiKeyAuth('refunds:write')
  @HttpCode(201)
  @AnswerWith(presentRefund)
  @ApiOperation({ summary: 'Refund all or part of what was captured' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  async refund(
    @Req() req: ApiKeyRequest,
    @Param('id') id: string,
    @Body() body: RefundPaymentDto,
  ): Promise<RefundResource> {
    return presentRefund(await this.payments.refund(keyOwner(req), id, body, auditContext(req)));
  }

  @Get(':id/refunds')
  async refunds(@Req() req: ApiKeyRequest, @Param('id') id: string): Promise<ListResponse<RefundResource>> {
    const data = await this.payments.listRefunds(keyOwner(req), id);
    return { object: 'list', data: data.map(presentRefund), has_more: false };
  }

  @Get(':id/events')
  @ApiOperation({
    summary: "The payment's timeline: every state change and every gateway call with its outcome and latency",
  })
  async events(
    @Req() req: ApiKeyRequest,
    @Param('id') id: string,
  ): Promise<ListResponse<PaymentEventResource>> {
    const data = await this.payments.timeline(keyOwner(req), id);
    return { object: 'list', data: data.map(presentEvent), has_more: false };
  }
}

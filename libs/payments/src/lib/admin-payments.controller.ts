import { Body, Controller, Get, HttpCode, Inject, Optional, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type {
  AdminPaymentDetailResource,
  AdminPaymentPageResource,
  AdminPaymentResource,
  DashboardResource,
  RefundResource,
  TerminalOptionsResource,
} from '@payrail/api-contract';
import { ApiError } from '@payrail/api-contract';
import type { AuditActorContext } from '@payrail/audit';
import { ConnectionService } from '@payrail/gateways';
import {
  assertMerchantAccess,
  CurrentAdmin,
  merchantFilter,
  RequirePolicy,
  type AdminPrincipal,
} from '@payrail/identity';
import { AdminPaymentsService } from './admin-payments.service';
import {
  AdminCaptureDto,
  AdminDashboardQuery,
  AdminPaymentListQuery,
  AdminRefundDto,
  TerminalPaymentDto,
} from './admin-payments.dto';
import type { Payment } from './entities/payment.entity';
import { FAILURE_ARTICLES, type FailureArticles } from './failure-articles';
import { presentEvent, presentPayment, presentRefund } from './payment.presenter';
import { PaymentFailedError } from './payment-errors';
import { PaymentsService } from './payments.service';

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

function present(p: Payment): AdminPaymentResource {
  return { ...presentPayment(p), merchant_id: p.merchantId };
}

/** The console's payments: search, timeline, capture / void / refund, today's dashboard and the test-mode terminal. */
@ApiTags('admin')
@Controller('admin')
export class AdminPaymentsController {
  constructor(
    private readonly admin: AdminPaymentsService,
    private readonly payments: PaymentsService,
    private readonly connections: ConnectionService,
    @Optional() @Inject(FAILURE_ARTICLES) private readonly articles?: FailureArticles,
  ) {}

  @Get('payments')
  @RequirePolicy('read', 'Payment')
  @ApiOperation({
    summary: 'Search payments across the merchants the admin may see, newest first, page by page',
  })
  async list(
    @CurrentAdmin() admin: AdminPrincipal,
    @Query() query: AdminPaymentListQuery,
  ): Promise<AdminPaymentPageResource> {
    const page = query.page ?? 1;
    const pageSize = query.page_size ?? 25;
    const { data, total } = await this.admin.search(merchantFilter(admin, query.merchant_id), {
      status: query.status,
      gateway: query.gateway,
      mode: query.mode,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      amountMin: query.amount_min,
      amountMax: query.amount_max,
      customerEmail: query.customer_email,
      q: query.q,
      page,
      pageSize,
    });
    return { object: 'list', data: data.map(present), page, page_size: pageSize, total };
  }

  @Get('payments/:id')
  @RequirePolicy('read', 'Payment')
  async get(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
  ): Promise<AdminPaymentDetailResource> {
    const payment = await this.admin.get(admin.merchantIds, id);
    const [timeline, refunds] = await Promise.all([
      this.payments.timeline(payment.merchantId, id),
      this.payments.listRefunds(payment.merchantId, id),
    ]);
    const articles =
      payment.failureCode && this.articles
        ? await this.articles.forFailure(payment.failureCode, payment.gateway, payment.failureGatewayCode)
        : [];
    return {
      payment: present(payment),
      timeline: timeline.map(presentEvent),
      refunds: refunds.map(presentRefund),
      articles,
    };
  }

  @Post('payments/:id/capture')
  @RequirePolicy('capture', 'Payment')
  @HttpCode(200)
  async capture(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Param('id') id: string,
    @Body() body: AdminCaptureDto,
  ): Promise<AdminPaymentResource> {
    const payment = await this.visible(admin, 'capture', id);
    return present(
      await this.payments.capture(payment.merchantId, id, { amount: body.amount }, adminContext(admin, req)),
    );
  }

  @Post('payments/:id/void')
  @RequirePolicy('void', 'Payment')
  @HttpCode(200)
  async void(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Param('id') id: string,
  ): Promise<AdminPaymentResource> {
    const payment = await this.visible(admin, 'void', id);
    return present(await this.payments.void(payment.merchantId, id, adminContext(admin, req)));
  }

  @Post('payments/:id/refund')
  @RequirePolicy('refund', 'Payment')
  @HttpCode(201)
  async refund(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Param('id') id: string,
    @Body() body: AdminRefundDto,
  ): Promise<RefundResource> {
    const payment = await this.visible(admin, 'refund', id);
    return presentRefund(await this.payments.refund(payment.merchantId, id, body, adminContext(admin, req)));
  }

  @Get('dashboard')
  @RequirePolicy('read', 'Dashboard')
  @ApiOperation({
    summary:
      'Today (UTC) per gateway: volume, attempts and success rate; the latest failures (one mode, test by default)',
  })
  dashboard(
    @CurrentAdmin() admin: AdminPrincipal,
    @Query() query: AdminDashboardQuery,
  ): Promise<DashboardResource> {
    return this.admin.dashboard(admin.merchantIds, query.mode ?? 'test');
  }

  @Get('terminal')
  @RequirePolicy('create', 'Terminal')
  terminal(@CurrentAdmin() admin: AdminPrincipal): Promise<TerminalOptionsResource> {
    return this.admin.terminalOptions(admin.merchantIds);
  }

  @Post('terminal/payments')
  @RequirePolicy('create', 'Terminal')
  @HttpCode(201)
  @ApiOperation({ summary: 'Take a test-mode payment with a sandbox test card on a chosen connection' })
  async terminalPayment(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Body() body: TerminalPaymentDto,
  ): Promise<AdminPaymentResource> {
    const connection = await this.connections.findVisible(body.connection_id, admin.merchantIds);
    if (connection.mode !== 'test')
      throw ApiError.invalid(
        'connection_id',
        'the virtual terminal takes test-mode payments only: choose a test connection',
      );
    assertMerchantAccess(admin, 'create', 'Terminal', connection.merchantId, {
      what: 'connection',
      id: connection.id,
    });
    const payment = await this.payments
      .create(
        connection.merchantId,
        {
          amount: body.amount,
          currency: body.currency,
          captureMethod: body.capture_method,
          paymentMethod: {
            card: {
              number: body.card.number,
              expMonth: body.card.exp_month,
              expYear: body.card.exp_year,
              cvc: body.card.cvc,
            },
          },
          connectionId: connection.id,
          customer: body.customer_email ? { email: body.customer_email } : undefined,
          description: body.description ?? 'Virtual terminal',
          metadata: { source: 'virtual_terminal', created_by: admin.userId },
        },
        adminContext(admin, req),
      )
      .catch((error: unknown) => {
        // A decline still made a payment: show it, with its failure, rather than only the error.
        if (error instanceof PaymentFailedError)
          return this.payments.get(connection.merchantId, error.payment.id);
        throw error;
      });
    return present(payment);
  }

  private async visible(
    admin: AdminPrincipal,
    action: 'capture' | 'void' | 'refund',
    id: string,
  ): Promise<Payment> {
    const payment = await this.admin.get(admin.merchantIds, id);
    assertMerchantAccess(admin, action, 'Payment', payment.merchantId, { what: 'payment', id });
    return payment;
  }
}

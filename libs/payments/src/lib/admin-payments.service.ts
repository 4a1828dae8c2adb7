import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, In, Repository, type SelectQueryBuilder } from 'typeorm';
import type { DashboardResource, TerminalOptionsResource, TerminalTestCard } from '@payrail/api-contract';
import { ApiError } from '@payrail/api-contract';
import { ConnectionService, GatewayRegistry } from '@payrail/gateways';
import { Payment } from './entities/payment.entity';
import { PAYMENT_STATUSES, type PaymentStatus } from './payment-status';

export interface AdminPaymentSearch {
  status?: PaymentStatus;
  gateway?: string;
  mode?: 'test' | 'live';
  from?: Date;
  to?: Date;
  amountMin?: number;
  amountMax?: number;
  customerEmail?: string;
  q?: string;
  page: number;
  pageSize: number;
}

/** Statuses that count as a successful payment on the dashboard. */
const SUCCEEDED: readonly PaymentStatus[] = [
  'authorized',
  'partially_captured',
  'captured',
  'partially_refunded',
  'refunded',
  'voided',
];

/** The console's reads over payments across the merchants an admin may see. */
@Injectable()
export class AdminPaymentsService {
  constructor(
    @InjectRepository(Payment) private readonly payments: Repository<Payment>,
    private readonly connections: ConnectionService,
    private readonly registry: GatewayRegistry,
  ) {}

  async search(
    merchantIds: string[] | 'all',
    search: AdminPaymentSearch,
  ): Promise<{ data: Payment[]; total: number }> {
    const qb = this.scoped(merchantIds);
    if (search.status) {
      if (!(PAYMENT_STATUSES as readonly string[]).includes(search.status))
        throw ApiError.invalid('status', `status must be one of ${PAYMENT_STATUSES.join(', ')}`);
      qb.andWhere('p.status = :status', { status: search.status });
    }
    if (search.gateway) qb.andWhere('p.gateway = :gateway', { gateway: search.gateway });
    if (search.mode) qb.andWhere('p.mode = :mode', { mode: search.mode });
    if (search.from) qb.andWhere('p.createdAt >= :from', { from: search.from });
    if (search.to) qb.andWhere('p.createdAt < :to', { to: search.to });
    if (search.amountMin !== undefined)
      qb.andWhere('p.amount >= :amountMin', { amountMin: search.amountMin });
    if (search.amountMax !== undefined)
      qb.andWhere('p.amount <= :amountMax', { amountMax: search.amountMax });
    if (search.customerEmail)
      qb.andWhere('LOWER(p.customerEmail) = :email', { email: search.customerEmail.trim().toLowerCase() });
    if (search.q) {
      const q = search.q.trim();
      qb.andWhere(
        new Brackets((w) => {
          w.where('p.id = :q', { q })
            .orWhere('p.gatewayReference = :q', { q })
            .orWhere('LOWER(p.description) LIKE :like', {
              like: `%${q.toLowerCase().replace(/[%_\\]/g, '')}%`,
            });
        }),
      );
    }
    const [data, total] = await qb
      .orderBy('p.createdAt', 'DESC')
      .addOrderBy('p.id', 'DESC')
      .skip((search.page - 1) * search.pageSize)
      .take(search.pageSize)
      .getManyAndCount();
    return { data, total };
  }

  /** 404 for a payment of a merchant the admin cannot see, as for one that does not exist. */
  async get(merchantIds: string[] | 'all', id: string): Promise<Payment> {
    const payment = await this.scoped(merchantIds).andWhere('p.id = :id', { id }).getOne();
    if (!payment) throw ApiError.notFound('payment', id);
    return payment;
  }

  async dashboard(
    merchantIds: string[] | 'all',
    mode: 'test' | 'live' = 'test',
    now = new Date(),
  ): Promise<DashboardResource> {
    const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const today = await this.scoped(merchantIds)
      .andWhere('p.mode = :mode', { mode })
      .andWhere('p.createdAt >= :since', { since })
      .getMany();
    const byGateway = new Map<
      string,
      DashboardResource['gateways'][number] & { amounts: Map<string, number> }
    >();
    for (const p of today) {
      let row = byGateway.get(p.gateway);
      if (!row) {
        row = {
          gateway: p.gateway,
          volume: [],
          attempts: 0,
          succeeded: 0,
          failed: 0,
          success_rate: null,
          amounts: new Map(),
        };
        byGateway.set(p.gateway, row);
      }
      row.attempts += 1;
      if (SUCCEEDED.includes(p.status)) {
        row.succeeded += 1;
        const currency = p.currency.toLowerCase();
        row.amounts.set(
          currency,
          (row.amounts.get(currency) ?? 0) + (p.amountCaptured > 0 ? p.amountCaptured : p.amount),
        );
      } else if (p.status === 'failed') {
        row.failed += 1;
      }
    }
    const gateways = [...byGateway.values()]
      .map(({ amounts, ...row }) => ({
        ...row,
        volume: [...amounts].map(([currency, amount]) => ({ currency, amount })),
        success_rate: row.succeeded + row.failed > 0 ? row.succeeded / (row.succeeded + row.failed) : null,
      }))
      .sort((a, b) => a.gateway.localeCompare(b.gateway));
    const failures = await this.scoped(merchantIds)
      .andWhere('p.mode = :mode', { mode })
      .andWhere('p.status = :failed', { failed: 'failed' })
      .orderBy('p.createdAt', 'DESC')
      .take(10)
      .getMany();
    return {
      mode,
      since: since.toISOString(),
      gateways,
      recent_failures: failures.map((p) => ({
        payment_id: p.id,
        gateway: p.gateway,
        amount: p.amount,
        currency: p.currency.toLowerCase(),
        code: p.failureCode ?? 'processing_error',
        message: p.failureMessage ?? '',
        created_at: p.createdAt.toISOString(),
      })),
    };
  }

  /** Enabled test connections only: the terminal never charges a live connection. */
  async terminalOptions(merchantIds: string[] | 'all'): Promise<TerminalOptionsResource> {
    const connections = await this.connections.list(merchantIds, { mode: 'test', enabled: true });
    // Each gateway's sandbox documents its own test cards (its plugin's descriptor lists them).
    const cardsOf = (gateway: string) => [...(this.registry.descriptor(gateway)?.sandbox.testCards ?? [])];
    const everyCard = new Map<string, TerminalTestCard>();
    for (const c of connections)
      for (const card of cardsOf(c.gateway))
        if (!everyCard.has(card.number)) everyCard.set(card.number, card);
    return {
      connections: connections.map((c) => {
        const currencies = this.registry.get(c.gateway)?.capabilities.currencies ?? '*';
        return {
          id: c.id,
          merchant_id: c.merchantId,
          gateway: c.gateway,
          name: c.name,
          currencies: currencies === '*' ? '*' : [...currencies],
          test_cards: cardsOf(c.gateway),
        };
      }),
      test_cards: [...everyCard.values()],
    };
  }

  private scoped(merchantIds: string[] | 'all'): SelectQueryBuilder<Payment> {
    const qb = this.payments.createQueryBuilder('p');
    if (merchantIds === 'all') return qb.where('1 = 1');
    if (merchantIds.length === 0) return qb.where('1 = 0');
    return qb.where({ merchantId: In(merchantIds) });
  }
}

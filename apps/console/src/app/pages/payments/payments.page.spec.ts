import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type {
  AdminPaymentDetailResource,
  AdminPaymentListQuery,
  AdminPaymentResource,
} from '@payrail/api-contract';
import { AdminApi } from '../../core/admin.api';
import { SessionStore } from '../../core/session.store';
import { PaymentDetailPage } from './payment-detail.page';
import { PaymentsPage } from './payments.page';

const payment = (id: string, mode: 'test' | 'live'): AdminPaymentResource => ({
  id,
  object: 'payment',
  merchant_id: 'mer_1',
  status: 'captured',
  amount: 1000,
  amount_capturable: 0,
  amount_captured: 1000,
  amount_refunded: 0,
  currency: 'usd',
  capture_method: 'automatic',
  gateway: 'stripe',
  connection_id: 'conn_1',
  gateway_reference: 'pi_1',
  mode,
  payment_method: null,
  customer: null,
  customer_id: null,
  saved_payment_method_id: null,
  disputed: false,
  dispute: null,
  amount_net: 1000,
  description: null,
  metadata: {},
  failure: null,
  next_action: null,
  needs_review: false,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The payment the detail stub answers as disputed (fraudulent, needing a response). */
let disputedId: string | undefined;
const withDispute = (p: AdminPaymentResource): AdminPaymentResource =>
  p.id === disputedId
    ? {
        ...p,
        disputed: true,
        dispute: {
          id: 'dsp_1',
          amount: 1000,
          currency: 'usd',
          reason: 'fraudulent',
          status: 'needs_response',
          evidence_due_by: '2026-01-08T00:00:00.000Z',
        },
      }
    : p;

describe('the console marks test data', () => {
  const queries: AdminPaymentListQuery[] = [];
  const api = {
    payments: async (query: AdminPaymentListQuery) => {
      queries.push(query);
      const data = [payment('pay_test1', 'test'), payment('pay_live1', 'live')].filter(
        (p) => !query.mode || p.mode === query.mode,
      );
      return { object: 'list' as const, data, page: 1, page_size: 25, total: data.length };
    },
    payment: async (id: string): Promise<AdminPaymentDetailResource> => ({
      payment: withDispute(payment(id, id.includes('test') ? 'test' : 'live')),
      timeline: [],
      refunds: [],
      articles: [],
    }),
  };

  beforeEach(() => {
    queries.length = 0;
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        { provide: AdminApi, useValue: api },
        { provide: SessionStore, useValue: { can: () => false } },
      ],
    });
  });

  it('marks test payments in the list, and not live ones', async () => {
    const fixture = TestBed.createComponent(PaymentsPage);
    fixture.detectChanges();
    await settle();
    fixture.detectChanges();
    const rows = [...(fixture.nativeElement as HTMLElement).querySelectorAll('[data-testid="payment-row"]')];
    expect(
      rows.map((r) => [r.textContent?.includes('pay_test1'), !!r.querySelector('[data-testid="test-data"]')]),
    ).toEqual([
      [true, true],
      [false, false],
    ]);
  });

  it('filters the list by mode', async () => {
    const fixture = TestBed.createComponent(PaymentsPage);
    fixture.detectChanges();
    await settle();
    fixture.componentInstance.filters.mode = 'live';
    await fixture.componentInstance.search(1);
    fixture.detectChanges();
    expect(queries.at(-1)).toMatchObject({ mode: 'live' });
    const rows = (fixture.nativeElement as HTMLElement).querySelectorAll('[data-testid="payment-row"]');
    expect([...rows].map((r) => r.textContent)).toEqual([expect.stringContaining('pay_live1')]);
  });

  it.each([
    ['pay_test1', true],
    ['pay_live1', false],
  ])('marks the detail of %s as test data: %s', async (id, marked) => {
    const fixture = TestBed.createComponent(PaymentDetailPage);
    fixture.componentRef.setInput('id', id);
    fixture.detectChanges();
    await settle();
    fixture.detectChanges();
    const heading = (fixture.nativeElement as HTMLElement).querySelector('h1');
    expect(heading?.textContent).toContain(id);
    expect(!!heading?.querySelector('[data-testid="test-data"]')).toBe(marked);
  });

  it('shows a disputed payment with its dispute and net amount', async () => {
    disputedId = 'pay_test1';
    const fixture = TestBed.createComponent(PaymentDetailPage);
    fixture.componentRef.setInput('id', 'pay_test1');
    fixture.detectChanges();
    await settle();
    fixture.detectChanges();
    const root = fixture.nativeElement as HTMLElement;
    const card = root.querySelector('[data-testid="payment-dispute"]');
    expect(card?.textContent).toContain('fraudulent');
    expect(root.querySelector('[data-testid="dispute-status"]')?.textContent?.trim()).toBe('needs response');
    expect(root.querySelector('[data-testid="net"]')?.textContent).toContain('10.00');
    disputedId = undefined;
  });
});

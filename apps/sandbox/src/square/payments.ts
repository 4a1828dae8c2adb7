import { createHash } from 'node:crypto';
import { SquareSettlementQuirks } from './settlement-quirks';
import { invalid, missing, notFound, paymentMethodError, SquareApiError } from './errors';
import {
  cardFromEntry,
  FIXED_CARDS_ON_FILE,
  FIXED_NONCES,
  USED_NONCE,
  type CardEntry,
  type TestCard,
} from './test-values';
import type { WebhookHub } from './webhooks';
import type { Json, Payment, Payout, PayoutEntry, Refund, SandboxAccount, StoredCard } from './resources';
import {
  durationMs,
  idempotencyKey,
  IdempotencyStore,
  now,
  optionalString,
  page,
  readMoney,
  sid,
  type ListQuery,
} from './requests';

export type { Money, Payment, Payout, PayoutEntry, Refund, SandboxAccount } from './resources';
export { page } from './requests';

/** Square's online card rate: 2.9 % + 30 minor units, rounded half up. */
export function processingFee(amount: number): number {
  return Math.floor((amount * 29 + 500) / 1000) + 30;
}

/** The payment, refund, card and payout state of one sandbox merchant. */
export class SquareLedger {
  readonly payments = new Map<string, Payment>();
  readonly refunds = new Map<string, Refund>();
  readonly cards = new Map<string, StoredCard & { testCard: TestCard }>();
  readonly payouts = new Map<string, Payout>();
  readonly payoutEntries = new Map<string, PayoutEntry[]>();
  /** One-time nonces issued by `/_sandbox/nonces`, and whether they have been spent. */
  readonly nonces = new Map<string, { card: TestCard; used: boolean }>();
  private readonly paidOut = new Set<string>();
  private readonly paymentsByKey = new Map<string, string>();
  private readonly idempotency = new IdempotencyStore();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Hidden rows and shifted amounts the settlement controls asked for. */
  readonly quirks = new SquareSettlementQuirks();
  /** Money moved outside payments and refunds (chargebacks), paid out with the next settlement. */
  private readonly adjustments: Omit<PayoutEntry, 'payout_id'>[] = [];
  /** Whether a customer exists (the Customers API sets this), for cards saved to one. */
  knowsCustomer: (id: string) => boolean = () => true;

  constructor(
    readonly account: SandboxAccount,
    private readonly hub: WebhookHub,
    /** How long a refund stays PENDING before it completes. */
    private readonly refundDelayMs: number,
  ) {}

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  issueNonce(entry: CardEntry): Json {
    const card = cardFromEntry(entry);
    if (typeof card === 'string') throw invalid('INVALID_CARD_DATA', card);
    const nonce = `cnon:sbx-${sid(24)}`;
    this.nonces.set(nonce, { card, used: false });
    return {
      nonce,
      card: { card_brand: card.brand, last_4: card.last4, exp_month: card.expMonth, exp_year: card.expYear },
    };
  }

  createPayment(body: Json): { status: number; body: Json } {
    const key = idempotencyKey(body, 45);
    return this.idempotency.run('CreatePayment', key, body, () => {
      const sourceId = body['source_id'];
      if (typeof sourceId !== 'string' || !sourceId) throw missing('source_id');
      const amount = readMoney(body['amount_money'], 'amount_money', this.account.currency);
      const tip = body['tip_money']
        ? readMoney(body['tip_money'], 'tip_money', this.account.currency)
        : undefined;
      const locationId = optionalString(body, 'location_id', 50) ?? this.account.locationId;
      if (locationId !== this.account.locationId) throw notFound('location', locationId);
      const referenceId = optionalString(body, 'reference_id', 40);
      const note = optionalString(body, 'note', 500);
      const email = optionalString(body, 'buyer_email_address', 255);
      const customerId = optionalString(body, 'customer_id', 191);
      const autocomplete = body['autocomplete'] ?? true;
      if (typeof autocomplete !== 'boolean')
        throw invalid('EXPECTED_BOOLEAN', 'Expected a boolean value', 'autocomplete');
      const delayDuration = optionalString(body, 'delay_duration', 50) ?? 'P7D';
      const delayMs = durationMs(delayDuration);
      if (delayMs === undefined || delayMs < 60_000 || delayMs > 7 * 24 * 3600_000)
        throw invalid(
          'INVALID_VALUE',
          'delay_duration must be an RFC 3339 duration from PT1M to P7D',
          'delay_duration',
        );
      const delayAction = body['delay_action'] ?? 'CANCEL';
      if (delayAction !== 'CANCEL' && delayAction !== 'COMPLETE')
        throw invalid('INVALID_ENUM_VALUE', 'delay_action must be CANCEL or COMPLETE', 'delay_action');
      if (autocomplete && body['delay_duration'] !== undefined)
        throw invalid(
          'BAD_REQUEST',
          'delay_duration can only be set when autocomplete is false',
          'delay_duration',
        );

      const card = this.spendSource(sourceId, customerId);
      const created = now();
      const total = amount.amount + (tip?.amount ?? 0);
      const payment: Payment = {
        id: sid(29),
        created_at: created,
        updated_at: created,
        amount_money: amount,
        ...(tip ? { tip_money: tip } : {}),
        total_money: { amount: total, currency: amount.currency },
        approved_money: { amount: total, currency: amount.currency },
        status: 'APPROVED',
        delay_duration: delayDuration,
        delay_action: delayAction,
        delayed_until: new Date(Date.parse(created) + delayMs).toISOString(),
        source_type: 'CARD',
        card_details: {
          status: 'AUTHORIZED',
          card: {
            card_brand: card.brand,
            last_4: card.last4,
            exp_month: card.expMonth,
            exp_year: card.expYear,
            fingerprint: `sq-1-${createHash('sha256')
              .update(card.bin + card.last4)
              .digest('base64url')
              .slice(0, 40)}`,
            card_type: 'CREDIT',
            prepaid_type: 'NOT_PREPAID',
            bin: card.bin,
          },
          entry_method: sourceId.startsWith('ccof:') ? 'ON_FILE' : 'KEYED',
          cvv_status: 'CVV_ACCEPTED',
          avs_status: 'AVS_ACCEPTED',
          auth_result_code: sid(6),
          statement_description: 'SQ *DEFAULT TEST ACCOUNT',
          card_payment_timeline: { authorized_at: created },
        },
        location_id: locationId,
        order_id: sid(29),
        ...(referenceId !== undefined ? { reference_id: referenceId } : {}),
        ...(note !== undefined ? { note } : {}),
        ...(customerId !== undefined ? { customer_id: customerId } : {}),
        ...(email !== undefined ? { buyer_email_address: email } : {}),
        receipt_number: '',
        application_details: { square_product: 'ECOMMERCE_API', application_id: 'sandbox-sq0idb-payrail' },
        capabilities: ['EDIT_AMOUNT_UP', 'EDIT_AMOUNT_DOWN', 'EDIT_TIP_AMOUNT_UP', 'EDIT_TIP_AMOUNT_DOWN'],
        version_token: sid(43),
      };
      payment.receipt_number = payment.id.slice(0, 4);
      if (card.declineCode) {
        payment.status = 'FAILED';
        payment.card_details.status = 'FAILED';
        payment.card_details['errors'] = [
          {
            category: 'PAYMENT_METHOD_ERROR',
            code: card.declineCode,
            detail: `Authorization error: '${card.declineCode}'`,
          },
        ];
        delete payment.capabilities;
        this.payments.set(payment.id, payment);
        this.paymentsByKey.set(key, payment.id);
        this.hub.emit('payment.created', 'payment', payment);
        throw paymentMethodError(card.declineCode, { payment: structuredClone(payment) });
      }
      this.payments.set(payment.id, payment);
      this.paymentsByKey.set(key, payment.id);
      this.hub.emit('payment.created', 'payment', payment);
      if (autocomplete) this.complete(payment);
      return { payment: structuredClone(payment) };
    });
  }

  getPayment(id: string): Payment {
    const payment = this.payments.get(id);
    if (!payment) throw notFound('payment', id);
    this.applyDelayAction(payment);
    return payment;
  }

  listPayments(query: ListQuery): Json {
    const items = [...this.payments.values()].filter((p) => {
      this.applyDelayAction(p);
      if (!this.quirks.visible(p.id)) return false;
      if (query.location_id && p.location_id !== query.location_id) return false;
      if (query['total'] && p.total_money.amount !== Number(query['total'])) return false;
      if (
        query['last_4'] &&
        p.card_details['card'] &&
        (p.card_details['card'] as Json)['last_4'] !== query['last_4']
      )
        return false;
      if (query['card_brand'] && (p.card_details['card'] as Json)['card_brand'] !== query['card_brand'])
        return false;
      return true;
    });
    return page(
      items.map((p) => this.quirks.asReported(p)),
      query,
      'payments',
    );
  }

  updatePayment(id: string, body: Json): { status: number; body: Json } {
    const key = idempotencyKey(body, 45);
    return this.idempotency.run(`UpdatePayment:${id}`, key, body, () => {
      const payment = this.getPayment(id);
      this.assertApproved(payment);
      const input = (body['payment'] ?? {}) as Json;
      if (typeof input !== 'object') throw invalid('EXPECTED_OBJECT', 'Expected an object', 'payment');
      const allowed = [
        'amount_money',
        'tip_money',
        'app_fee_money',
        'version_token',
        'cash_details',
        'delay_action',
      ];
      for (const field of Object.keys(input)) {
        if (!allowed.includes(field))
          throw invalid('BAD_REQUEST', `payment.${field} cannot be updated`, `payment.${field}`);
      }
      if (input['version_token'] !== undefined && input['version_token'] !== payment.version_token)
        throw new SquareApiError(409, [
          {
            category: 'INVALID_REQUEST_ERROR',
            code: 'CONFLICT',
            detail: 'The payment version token is out of date.',
            field: 'payment.version_token',
          },
        ]);
      const amount = input['amount_money']
        ? readMoney(input['amount_money'], 'payment.amount_money', payment.amount_money.currency)
        : payment.amount_money;
      const tip = input['tip_money']
        ? readMoney(input['tip_money'], 'payment.tip_money', payment.amount_money.currency)
        : payment.tip_money;
      const total = amount.amount + (tip?.amount ?? 0);
      if (total > payment.approved_money.amount)
        throw invalid(
          'AMOUNT_TOO_HIGH',
          `The total amount ${total} exceeds the approved amount ${payment.approved_money.amount}.`,
          'payment.amount_money.amount',
        );
      payment.amount_money = amount;
      if (tip) payment.tip_money = tip;
      payment.total_money = { amount: total, currency: amount.currency };
      this.touch(payment);
      this.hub.emit('payment.updated', 'payment', payment);
      return { payment: structuredClone(payment) };
    });
  }

  completePayment(id: string, body: Json): Json {
    const payment = this.getPayment(id);
    this.assertApproved(payment);
    if (body['version_token'] !== undefined && body['version_token'] !== payment.version_token)
      throw new SquareApiError(409, [
        {
          category: 'INVALID_REQUEST_ERROR',
          code: 'CONFLICT',
          detail: 'The payment version token is out of date.',
          field: 'version_token',
        },
      ]);
    this.complete(payment);
    return { payment: structuredClone(payment) };
  }

  cancelPayment(id: string): Json {
    const payment = this.getPayment(id);
    this.assertApproved(payment);
    this.cancel(payment);
    return { payment: structuredClone(payment) };
  }

  cancelByIdempotencyKey(body: Json): Json {
    const key = idempotencyKey(body, 45);
    const id = this.paymentsByKey.get(key);
    const payment = id ? this.payments.get(id) : undefined;
    if (payment) {
      this.applyDelayAction(payment);
      if (payment.status === 'APPROVED') this.cancel(payment);
    }
    return {};
  }

  createRefund(body: Json): { status: number; body: Json } {
    const key = idempotencyKey(body, 45);
    return this.idempotency.run('RefundPayment', key, body, () => {
      const paymentId = body['payment_id'];
      if (typeof paymentId !== 'string' || !paymentId) throw missing('payment_id');
      const payment = this.getPayment(paymentId);
      const amount = readMoney(body['amount_money'], 'amount_money', payment.amount_money.currency);
      const reason = optionalString(body, 'reason', 192);
      if (payment.status === 'APPROVED')
        throw invalid(
          'REFUND_ERROR_PAYMENT_NEEDS_COMPLETION',
          'The payment must be completed before it can be refunded.',
          'payment_id',
        );
      if (payment.status !== 'COMPLETED')
        throw invalid(
          'PAYMENT_NOT_REFUNDABLE',
          `A payment with status ${payment.status} cannot be refunded.`,
          'payment_id',
        );
      if (
        body['payment_version_token'] !== undefined &&
        body['payment_version_token'] !== payment.version_token
      )
        throw new SquareApiError(409, [
          {
            category: 'INVALID_REQUEST_ERROR',
            code: 'CONFLICT',
            detail: 'The payment version token is out of date.',
            field: 'payment_version_token',
          },
        ]);
      const refunded = payment.refunded_money?.amount ?? 0;
      const available = payment.total_money.amount - refunded;
      if (amount.amount > available)
        throw new SquareApiError(400, [
          {
            category: 'REFUND_ERROR',
            code: 'REFUND_AMOUNT_INVALID',
            detail:
              available === 0
                ? 'The payment has already been refunded in full.'
                : `The requested refund amount exceeds the amount available to refund (${available}).`,
            field: 'amount_money.amount',
          },
        ]);
      const created = now();
      const refund: Refund = {
        id: `${payment.id}_${sid(40)}`,
        status: 'PENDING',
        location_id: payment.location_id,
        amount_money: amount,
        payment_id: payment.id,
        order_id: payment.order_id,
        ...(reason !== undefined ? { reason } : {}),
        destination_type: 'CARD',
        created_at: created,
        updated_at: created,
      };
      this.refunds.set(refund.id, refund);
      payment.refunded_money = { amount: refunded + amount.amount, currency: amount.currency };
      payment.refund_ids = [...(payment.refund_ids ?? []), refund.id];
      this.touch(payment);
      this.hub.emit('refund.created', 'refund', refund);
      this.hub.emit('payment.updated', 'payment', payment);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.settleRefund(refund);
      }, this.refundDelayMs);
      this.timers.add(timer);
      return { refund: structuredClone(refund) };
    });
  }

  getRefund(id: string): Refund {
    const refund = this.refunds.get(id);
    if (!refund) throw notFound('refund', id);
    return refund;
  }

  listRefunds(query: ListQuery): Json {
    const items = [...this.refunds.values()].filter(
      (r) =>
        this.quirks.visible(r.id) &&
        (!query.location_id || r.location_id === query.location_id) &&
        (!query['status'] || r.status === query['status']) &&
        (!query['source_type'] || query['source_type'] === 'CARD'),
    );
    return page(
      items.map((r) => this.quirks.asReported(r)),
      query,
      'refunds',
    );
  }

  createCard(body: Json): { status: number; body: Json } {
    const key = idempotencyKey(body, 192);
    return this.idempotency.run('CreateCard', key, body, () => {
      const sourceId = body['source_id'];
      if (typeof sourceId !== 'string' || !sourceId) throw missing('source_id');
      const input = body['card'];
      if (!input || typeof input !== 'object') throw missing('card');
      const fields = input as Json;
      const owner = fields['customer_id'];
      if (typeof owner === 'string' && !this.knowsCustomer(owner)) throw notFound('customer', owner);
      const card = this.spendSource(sourceId);
      if (card.declineCode) throw paymentMethodError(card.declineCode);
      const stored = {
        id: `ccof:${sid(16)}`,
        card_brand: card.brand,
        last_4: card.last4,
        exp_month: card.expMonth,
        exp_year: card.expYear,
        ...(typeof fields['cardholder_name'] === 'string'
          ? { cardholder_name: fields['cardholder_name'] }
          : {}),
        ...(typeof fields['customer_id'] === 'string' ? { customer_id: fields['customer_id'] } : {}),
        ...(typeof fields['reference_id'] === 'string' ? { reference_id: fields['reference_id'] } : {}),
        merchant_id: this.account.merchantId,
        enabled: true,
        card_type: 'CREDIT',
        prepaid_type: 'NOT_PREPAID',
        bin: card.bin,
        fingerprint: `sq-1-${createHash('sha256')
          .update(card.bin + card.last4)
          .digest('base64url')
          .slice(0, 40)}`,
        version: 1,
      };
      this.cards.set(stored.id, { ...stored, testCard: card });
      return { card: stored };
    });
  }

  getCard(id: string): Json {
    const found = this.cards.get(id);
    if (!found) throw notFound('card', id);
    const { testCard: _testCard, ...card } = found;
    return card;
  }

  /** Books a chargeback (negative) or its reversal (positive), or a fee, for the next payout. */
  adjust(
    type: 'DISPUTE' | 'FEE',
    amount: number,
    details: { payment_id: string; dispute_id: string } | { payment_id?: string },
  ): void {
    const money = { amount, currency: this.account.currency };
    this.adjustments.push({
      id: `poe_${sid(24)}`,
      effective_at: now(),
      type,
      gross_amount_money: money,
      fee_amount_money: { amount: 0, currency: this.account.currency },
      net_amount_money: money,
      ...(type === 'DISPUTE'
        ? { type_dispute_details: details as { payment_id: string; dispute_id: string } }
        : { type_fee_details: details }),
    });
  }

  /** Pays out every completed payment and refund not yet paid out: one BATCH payout, status PAID. */
  settle(): Payout[] {
    const created = now();
    const id = `po_${sid(24)}`;
    const entries: PayoutEntry[] = [];
    const currency = this.account.currency;
    const money = (amount: number) => ({ amount, currency });
    for (const payment of this.payments.values()) {
      this.applyDelayAction(payment);
      if (payment.status !== 'COMPLETED' || this.paidOut.has(payment.id)) continue;
      if (!this.quirks.visible(payment.id)) continue;
      const fee = payment.processing_fee?.reduce((sum, f) => sum + f.amount_money.amount, 0) ?? 0;
      const gross = this.quirks.reported(payment.id, payment.total_money.amount);
      this.paidOut.add(payment.id);
      entries.push({
        id: `poe_${sid(24)}`,
        payout_id: id,
        effective_at:
          (payment.card_details.card_payment_timeline['captured_at'] as string) ?? payment.updated_at,
        type: 'CHARGE',
        gross_amount_money: money(gross),
        fee_amount_money: money(-fee),
        net_amount_money: money(gross - fee),
        type_charge_details: { payment_id: payment.id },
      });
    }
    for (const refund of this.refunds.values()) {
      if (refund.status === 'PENDING') this.settleRefund(refund);
      if (refund.status !== 'COMPLETED' || this.paidOut.has(refund.id)) continue;
      if (!this.quirks.visible(refund.id)) continue;
      const back = -this.quirks.reported(refund.id, refund.amount_money.amount);
      this.paidOut.add(refund.id);
      entries.push({
        id: `poe_${sid(24)}`,
        payout_id: id,
        effective_at: refund.updated_at,
        type: 'REFUND',
        gross_amount_money: money(back),
        fee_amount_money: money(0),
        net_amount_money: money(back),
        type_refund_details: { payment_id: refund.payment_id, refund_id: refund.id },
      });
    }
    for (const entry of this.adjustments.splice(0)) entries.push({ ...entry, payout_id: id });
    if (!entries.length) return [];
    const net = entries.reduce((sum, e) => sum + e.net_amount_money.amount, 0);
    const payout: Payout = {
      id,
      status: 'PAID',
      location_id: this.account.locationId,
      created_at: created,
      updated_at: created,
      amount_money: money(net),
      destination: { type: 'BANK_ACCOUNT', id: 'bact:sandbox-payrail-0001' },
      version: 1,
      type: 'BATCH',
      arrival_date: created.slice(0, 10),
      end_to_end_id: `L2100000${sid(12)}`,
    };
    this.payouts.set(id, payout);
    this.payoutEntries.set(id, entries);
    this.hub.emit('payout.sent', 'payout', payout);
    this.hub.emit('payout.paid', 'payout', payout);
    return [payout];
  }

  private spendSource(sourceId: string, customerId?: string): TestCard {
    if (sourceId === USED_NONCE)
      throw invalid('CARD_TOKEN_USED', 'Card nonce already used; please request new nonce.', 'source_id');
    const fixed = FIXED_NONCES[sourceId] ?? FIXED_CARDS_ON_FILE[sourceId];
    if (fixed) return fixed();
    const issued = this.nonces.get(sourceId);
    if (issued) {
      if (issued.used)
        throw invalid('CARD_TOKEN_USED', 'Card nonce already used; please request new nonce.', 'source_id');
      issued.used = true;
      return issued.card;
    }
    const stored = this.cards.get(sourceId);
    if (stored) {
      if (stored['enabled'] === false)
        throw invalid('CARD_DECLINED', `Card ${sourceId} has been disabled.`, 'source_id');
      if (stored['customer_id'] !== undefined && stored['customer_id'] !== customerId)
        throw invalid(
          'INVALID_CARD',
          `A card on file is charged with the customer_id it belongs to (${String(stored['customer_id'])}).`,
          'customer_id',
        );
      return stored.testCard;
    }
    if (sourceId.startsWith('ccof:')) throw notFound('card', sourceId);
    throw invalid(
      'NOT_FOUND',
      `Card nonce not found in this \`sandbox\` application environment.`,
      'source_id',
      404,
    );
  }

  private assertApproved(payment: Payment): void {
    switch (payment.status) {
      case 'APPROVED':
        return;
      case 'COMPLETED':
        throw invalid('DELAYED_TRANSACTION_CAPTURED', 'The payment has already been captured.');
      case 'CANCELED':
        throw invalid(
          'DELAYED_TRANSACTION_CANCELED',
          new Date() >= new Date(payment.delayed_until)
            ? 'The payment was canceled when its delay duration expired.'
            : 'The payment has been canceled.',
        );
      case 'FAILED':
        throw invalid('DELAYED_TRANSACTION_FAILED', 'The payment failed.');
      case 'PENDING':
        throw invalid('BAD_REQUEST', 'The payment is still pending.');
    }
  }

  /** Square applies `delay_action` once `delayed_until` passes; the sandbox does so when the payment is next read. */
  private applyDelayAction(payment: Payment): void {
    if (payment.status !== 'APPROVED' || Date.now() < Date.parse(payment.delayed_until)) return;
    if (payment.delay_action === 'COMPLETE') this.complete(payment);
    else this.cancel(payment);
  }

  private complete(payment: Payment): void {
    const at = now();
    payment.status = 'COMPLETED';
    payment.card_details.status = 'CAPTURED';
    payment.card_details.card_payment_timeline['captured_at'] = at;
    payment.processing_fee = [
      {
        effective_at: at,
        type: 'INITIAL',
        amount_money: {
          amount: processingFee(payment.total_money.amount),
          currency: payment.total_money.currency,
        },
      },
    ];
    payment.receipt_url = `https://squareupsandbox.com/receipt/preview/${payment.id}`;
    delete payment.capabilities;
    this.touch(payment, at);
    this.hub.emit('payment.updated', 'payment', payment);
  }

  private cancel(payment: Payment): void {
    const at = now();
    payment.status = 'CANCELED';
    payment.card_details.status = 'VOIDED';
    payment.card_details.card_payment_timeline['voided_at'] = at;
    delete payment.capabilities;
    this.touch(payment, at);
    this.hub.emit('payment.updated', 'payment', payment);
  }

  private settleRefund(refund: Refund): void {
    if (refund.status !== 'PENDING') return;
    refund.status = 'COMPLETED';
    refund.updated_at = now();
    this.hub.emit('refund.updated', 'refund', refund);
  }

  private touch(payment: Payment, at = now()): void {
    payment.updated_at = at;
    payment.version_token = sid(43);
  }
}

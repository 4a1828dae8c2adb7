import { issueError, MOCKABLE_ISSUES, type PayPalIssue } from './paypal-errors';
import {
  parseMoney,
  paypalFee,
  paypalId,
  renderMoney,
  type Amount,
  type AuthorizationRecord,
  type CaptureRecord,
  type OrderRecord,
  type ProcessorResponse,
  type RefundRecord,
  type TransactionRecord,
} from './paypal-store';
import { CARD_TRIGGERS, MAX_CAPTURES, must, optionalString, type Context, type Reply } from './sandbox-types';
import type { PayPalWorld } from './world';
import type { paypalRenderers } from './render';
import type { paypalEvents } from './events';
import type { paypalVault } from './vault-api';

/** Orders, authorizations, captures and refunds, and the Transaction Search rows they book. */
export function paypalPayments(
  w: PayPalWorld,
  render: ReturnType<typeof paypalRenderers>,
  events: ReturnType<typeof paypalEvents>,
  vault: ReturnType<typeof paypalVault>,
) {
  const { store } = w;
  const { renderAuthorization, renderCapture, renderRefund, renderOrder, minimal, wantsFull } = render;
  const { eventFor, emit } = events;

  function record(txn: Omit<TransactionRecord, 'time'>): void {
    store.transactions.push({ ...txn, time: new Date() });
  }

  function mockIssue(ctx: Context, operation: string): void {
    const header = ctx.headers['paypal-mock-response'];
    if (!header) return;
    let code: unknown;
    try {
      code = (JSON.parse(String(header)) as { mock_application_codes?: unknown }).mock_application_codes;
    } catch {
      throw issueError('INVALID_PARAMETER_SYNTAX', {
        field: 'PayPal-Mock-Response',
        location: 'header',
        value: String(header),
      });
    }
    const allowed = MOCKABLE_ISSUES[operation] ?? [];
    if (typeof code !== 'string' || !allowed.includes(code as PayPalIssue)) {
      throw issueError('INVALID_PARAMETER_VALUE', {
        field: 'PayPal-Mock-Response',
        location: 'header',
        value: String(code),
      });
    }
    throw issueError(code as PayPalIssue);
  }

  function createOrder(ctx: Context): Reply {
    const body = ctx.body;
    if (body['intent'] !== 'AUTHORIZE' && body['intent'] !== 'CAPTURE')
      throw issueError(
        body['intent'] === undefined ? 'MISSING_REQUIRED_PARAMETER' : 'INVALID_PARAMETER_VALUE',
        { field: '/intent', value: body['intent'] === undefined ? undefined : String(body['intent']) },
      );
    const units = body['purchase_units'];
    if (!Array.isArray(units) || units.length === 0)
      throw issueError('MISSING_REQUIRED_PARAMETER', { field: '/purchase_units' });
    if (units.length > 1) throw issueError('INVALID_PARAMETER_VALUE', { field: '/purchase_units' });
    const unit = units[0] as Record<string, unknown>;
    const amount = parseMoney(unit['amount'], "/purchase_units/@reference_id=='default'/amount");
    const now = new Date();
    const order: OrderRecord = {
      id: paypalId(),
      clientId: ctx.clientId,
      intent: body['intent'],
      status: 'CREATED',
      unit: {
        reference_id: optionalString(unit, 'reference_id', '/purchase_units/0', 256) ?? 'default',
        amount,
        custom_id: optionalString(unit, 'custom_id', '/purchase_units/0', 255),
        invoice_id: optionalString(unit, 'invoice_id', '/purchase_units/0', 127),
        description: optionalString(unit, 'description', '/purchase_units/0', 127),
        soft_descriptor: optionalString(unit, 'soft_descriptor', '/purchase_units/0', 22),
      },
      authorizationIds: [],
      captureIds: [],
      createTime: now,
      updateTime: now,
    };
    const source = body['payment_source'] as Record<string, Record<string, unknown>> | undefined;
    if (source && typeof source === 'object') {
      const kinds = Object.keys(source);
      if (kinds.length !== 1) throw issueError('INVALID_PARAMETER_VALUE', { field: '/payment_source' });
      if (!ctx.headers['paypal-request-id'])
        throw issueError('MISSING_REQUIRED_PARAMETER', { field: 'PayPal-Request-Id', location: 'header' });
      if (source['card']) {
        order.source = vault.cardForOrder(source['card'], ctx.clientId, now);
        order.status = 'APPROVED';
      } else if (source['paypal']) {
        const context = (source['paypal']['experience_context'] ?? {}) as Record<string, unknown>;
        order.source = {
          kind: 'paypal',
          returnUrl: typeof context['return_url'] === 'string' ? context['return_url'] : undefined,
          cancelUrl: typeof context['cancel_url'] === 'string' ? context['cancel_url'] : undefined,
        };
        order.status = 'PAYER_ACTION_REQUIRED';
      } else {
        throw issueError('INVALID_PARAMETER_VALUE', { field: '/payment_source', value: kinds[0] });
      }
    }
    store.orders.set(order.id, order);
    const full = renderOrder(order);
    return { status: 201, body: wantsFull(ctx) ? full : minimal(full) };
  }

  function authorizeOrder(ctx: Context): Reply {
    const order = store.find(store.orders, ctx.params[0], ctx.clientId, 'order_id');
    if (order.intent !== 'AUTHORIZE') throw issueError('ACTION_DOES_NOT_MATCH_INTENT');
    if (order.authorizationIds.length) throw issueError('ORDER_ALREADY_AUTHORIZED');
    if (order.status !== 'APPROVED') throw issueError('ORDER_NOT_APPROVED');
    const now = new Date();
    const trigger =
      order.source?.kind === 'card' && order.source.name
        ? CARD_TRIGGERS[order.source.name.trim().toUpperCase()]
        : undefined;
    const declined = trigger && !trigger.atCapture;
    const auth: AuthorizationRecord = {
      id: paypalId(),
      clientId: ctx.clientId,
      orderId: order.id,
      status: declined ? 'DENIED' : 'CREATED',
      amount: order.unit.amount,
      captured: 0,
      customId: order.unit.custom_id,
      invoiceId: order.unit.invoice_id,
      captureIds: [],
      processorResponse:
        order.source?.kind === 'card'
          ? {
              avs_code: trigger ? 'G' : 'Y',
              cvv_code: trigger?.cvv ?? (trigger ? 'P' : 'M'),
              response_code: declined ? trigger.code : '0000',
            }
          : undefined,
      declineCaptureWith: trigger?.atCapture ? trigger.code : undefined,
      createTime: now,
      updateTime: now,
      expirationTime: new Date(now.getTime() + 29 * 86400_000),
    };
    store.authorizations.set(auth.id, auth);
    order.authorizationIds.push(auth.id);
    order.status = 'COMPLETED';
    order.updateTime = now;
    record({
      clientId: ctx.clientId,
      id: auth.id,
      eventCode: 'T1300',
      status: declined ? 'D' : 'S',
      amount: auth.amount.minor,
      fee: 0,
      currency: auth.amount.currency,
      invoiceId: auth.invoiceId,
      customField: auth.customId,
      balanceAffecting: false,
    });
    if (!declined) emit(ctx.clientId, eventFor(auth.id, 'PAYMENT.AUTHORIZATION.CREATED'));
    const full = renderOrder(order);
    return { status: 201, body: wantsFull(ctx) ? full : minimal(full) };
  }

  /** Moves money: one capture of `auth` (or of an intent-CAPTURE order when `auth` is absent). */
  function makeCapture(
    ctx: Context,
    order: OrderRecord,
    auth: AuthorizationRecord | undefined,
    amount: Amount,
    final: boolean,
    extras: { invoiceId?: string; noteToPayer?: string },
  ): CaptureRecord {
    const now = new Date();
    const trigger =
      order.source?.kind === 'card' && order.source.name
        ? CARD_TRIGGERS[order.source.name.trim().toUpperCase()]
        : undefined;
    const declineCode = auth ? auth.declineCaptureWith : trigger?.code;
    const processorResponse: ProcessorResponse | undefined =
      order.source?.kind === 'card'
        ? {
            avs_code: declineCode ? 'G' : 'Y',
            cvv_code: trigger?.cvv ?? (declineCode ? 'P' : 'M'),
            response_code: declineCode ?? '0000',
          }
        : undefined;
    const capture: CaptureRecord = {
      id: paypalId(),
      clientId: ctx.clientId,
      orderId: order.id,
      authorizationId: auth?.id,
      status: declineCode ? 'DECLINED' : 'COMPLETED',
      amount,
      fee: declineCode ? 0 : paypalFee(amount),
      finalCapture: final,
      invoiceId: extras.invoiceId,
      customId: auth?.customId ?? order.unit.custom_id,
      noteToPayer: extras.noteToPayer,
      refunded: 0,
      refundIds: [],
      processorResponse,
      createTime: now,
      updateTime: now,
    };
    store.captures.set(capture.id, capture);
    order.captureIds.push(capture.id);
    order.updateTime = now;
    if (auth) {
      auth.captureIds.push(capture.id);
      auth.updateTime = now;
      if (!declineCode) {
        auth.captured += amount.minor;
        auth.status = final || auth.captured >= auth.amount.minor ? 'CAPTURED' : 'PARTIALLY_CAPTURED';
      }
    }
    record({
      clientId: ctx.clientId,
      id: capture.id,
      referenceId: auth?.id,
      eventCode: 'T0006',
      status: declineCode ? 'D' : 'S',
      amount: amount.minor,
      fee: -capture.fee,
      currency: amount.currency,
      invoiceId: capture.invoiceId,
      customField: capture.customId,
      balanceAffecting: !declineCode,
    });
    emit(ctx.clientId, eventFor(capture.id));
    return capture;
  }

  function captureOrder(ctx: Context): Reply {
    const order = store.find(store.orders, ctx.params[0], ctx.clientId, 'order_id');
    if (order.intent !== 'CAPTURE') throw issueError('ACTION_DOES_NOT_MATCH_INTENT');
    if (order.captureIds.length) throw issueError('ORDER_ALREADY_CAPTURED');
    if (order.status !== 'APPROVED') throw issueError('ORDER_NOT_APPROVED');
    makeCapture(ctx, order, undefined, order.unit.amount, true, { invoiceId: order.unit.invoice_id });
    order.status = 'COMPLETED';
    const full = renderOrder(order);
    return { status: 201, body: wantsFull(ctx) ? full : minimal(full) };
  }

  function captureAuthorization(ctx: Context): Reply {
    const auth = store.find(store.authorizations, ctx.params[0], ctx.clientId, 'authorization_id');
    const order = must(store.orders, auth.orderId);
    switch (auth.status) {
      case 'VOIDED':
        throw issueError('AUTHORIZATION_VOIDED');
      case 'CAPTURED':
        throw issueError('AUTHORIZATION_ALREADY_CAPTURED');
      case 'DENIED':
        throw issueError('AUTHORIZATION_DENIED');
      case 'CREATED':
      case 'PARTIALLY_CAPTURED':
      case 'PENDING':
        break;
    }
    if (auth.expirationTime.getTime() <= Date.now()) throw issueError('AUTHORIZATION_EXPIRED');
    const remaining = auth.amount.minor - auth.captured;
    const amount =
      ctx.body['amount'] === undefined
        ? { minor: remaining, currency: auth.amount.currency }
        : parseMoney(ctx.body['amount'], '/amount');
    if (amount.currency !== auth.amount.currency)
      throw issueError('CURRENCY_MISMATCH', { field: '/amount/currency_code', value: amount.currency });
    if (amount.minor > remaining)
      throw issueError('MAX_CAPTURE_AMOUNT_EXCEEDED', {
        field: '/amount/value',
        value: renderMoney(amount).value,
      });
    if (auth.captureIds.length >= MAX_CAPTURES) throw issueError('MAX_CAPTURE_COUNT_EXCEEDED');
    const finalCapture = ctx.body['final_capture'];
    if (finalCapture !== undefined && typeof finalCapture !== 'boolean')
      throw issueError('INVALID_PARAMETER_SYNTAX', { field: '/final_capture' });
    const invoiceId = optionalString(ctx.body, 'invoice_id', '', 127);
    if (
      invoiceId &&
      [...store.captures.values()].some((c) => c.clientId === ctx.clientId && c.invoiceId === invoiceId)
    )
      throw issueError('DUPLICATE_INVOICE_ID', { field: '/invoice_id', value: invoiceId });
    const capture = makeCapture(ctx, order, auth, amount, finalCapture === true, {
      invoiceId,
      noteToPayer: optionalString(ctx.body, 'note_to_payer', '', 255),
    });
    const full = renderCapture(capture, true);
    return { status: 201, body: wantsFull(ctx) ? full : minimal(full) };
  }

  function reauthorize(ctx: Context): Reply {
    const auth = store.find(store.authorizations, ctx.params[0], ctx.clientId, 'authorization_id');
    if (auth.parentId) throw issueError('REAUTHORIZATION_NOT_SUPPORTED');
    if (auth.status === 'VOIDED') throw issueError('AUTHORIZATION_VOIDED');
    if (auth.status === 'CAPTURED' || auth.status === 'PARTIALLY_CAPTURED')
      throw issueError('AUTHORIZATION_ALREADY_CAPTURED');
    if (auth.status === 'DENIED') throw issueError('TRANSACTION_REFUSED');
    const amount = ctx.body['amount'] === undefined ? auth.amount : parseMoney(ctx.body['amount'], '/amount');
    if (amount.currency !== auth.amount.currency)
      throw issueError('CURRENCY_MISMATCH', { field: '/amount/currency_code' });
    const now = new Date();
    const next: AuthorizationRecord = {
      ...auth,
      id: paypalId(),
      amount,
      captured: 0,
      captureIds: [],
      parentId: auth.id,
      status: 'CREATED',
      createTime: now,
      updateTime: now,
      expirationTime: new Date(now.getTime() + 29 * 86400_000),
    };
    store.authorizations.set(next.id, next);
    must(store.orders, auth.orderId).authorizationIds.push(next.id);
    emit(ctx.clientId, eventFor(next.id, 'PAYMENT.AUTHORIZATION.CREATED'));
    const full = renderAuthorization(next, true);
    return { status: 201, body: wantsFull(ctx) ? full : minimal(full) };
  }

  function voidAuthorization(ctx: Context): Reply {
    const auth = store.find(store.authorizations, ctx.params[0], ctx.clientId, 'authorization_id');
    switch (auth.status) {
      case 'VOIDED':
        throw issueError('PREVIOUSLY_VOIDED');
      case 'CAPTURED':
      case 'PARTIALLY_CAPTURED':
        throw issueError('PREVIOUSLY_CAPTURED');
      case 'DENIED':
        throw issueError('CANNOT_BE_VOIDED');
      case 'CREATED':
      case 'PENDING':
        break;
    }
    auth.status = 'VOIDED';
    auth.updateTime = new Date();
    emit(ctx.clientId, eventFor(auth.id, 'PAYMENT.AUTHORIZATION.VOIDED'));
    return wantsFull(ctx) ? { status: 200, body: renderAuthorization(auth, true) } : { status: 204 };
  }

  function refundCapture(ctx: Context): Reply {
    const capture = store.find(store.captures, ctx.params[0], ctx.clientId, 'capture_id');
    switch (capture.status) {
      case 'REFUNDED':
        throw issueError('CAPTURE_FULLY_REFUNDED');
      case 'DECLINED':
      case 'FAILED':
      case 'PENDING':
        throw issueError('REFUND_NOT_ALLOWED', { field: 'capture_id', value: capture.id, location: 'path' });
      case 'COMPLETED':
      case 'PARTIALLY_REFUNDED':
        break;
    }
    const remaining = capture.amount.minor - capture.refunded;
    const amount =
      ctx.body['amount'] === undefined
        ? { minor: remaining, currency: capture.amount.currency }
        : parseMoney(ctx.body['amount'], '/amount');
    if (amount.currency !== capture.amount.currency)
      throw issueError('REFUND_CAPTURE_CURRENCY_MISMATCH', { field: '/amount/currency_code' });
    if (amount.minor > remaining)
      throw issueError('REFUND_AMOUNT_EXCEEDED', {
        field: '/amount/value',
        value: renderMoney(amount).value,
      });
    const now = new Date();
    const percentFee = capture.fee - paypalFee({ minor: 0, currency: capture.amount.currency });
    const refund: RefundRecord = {
      id: paypalId(),
      clientId: ctx.clientId,
      captureId: capture.id,
      status: 'COMPLETED',
      amount,
      feeReturned: Math.round((percentFee * amount.minor) / capture.amount.minor),
      customId: optionalString(ctx.body, 'custom_id', '', 127),
      invoiceId: optionalString(ctx.body, 'invoice_id', '', 127),
      noteToPayer: optionalString(ctx.body, 'note_to_payer', '', 255),
      createTime: now,
      updateTime: now,
    };
    store.refunds.set(refund.id, refund);
    capture.refundIds.push(refund.id);
    capture.refunded += amount.minor;
    capture.status = capture.refunded >= capture.amount.minor ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
    capture.updateTime = now;
    record({
      clientId: ctx.clientId,
      id: refund.id,
      referenceId: capture.id,
      eventCode: 'T1107',
      status: 'S',
      amount: -amount.minor,
      fee: refund.feeReturned,
      currency: amount.currency,
      invoiceId: refund.invoiceId,
      customField: refund.customId,
      balanceAffecting: true,
    });
    emit(ctx.clientId, eventFor(refund.id));
    const full = renderRefund(refund);
    return { status: 201, body: wantsFull(ctx) ? full : minimal(full) };
  }

  return {
    record,
    mockIssue,
    createOrder,
    authorizeOrder,
    makeCapture,
    captureOrder,
    captureAuthorization,
    reauthorize,
    voidAuthorization,
    refundCapture,
  };
}

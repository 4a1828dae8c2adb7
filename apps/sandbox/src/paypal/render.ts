import {
  isoSeconds,
  renderMoney,
  type AuthorizationRecord,
  type CaptureRecord,
  type OrderRecord,
  type RefundRecord,
} from './paypal-store';
import { must, type Context } from './sandbox-types';
import type { PayPalWorld } from './world';

/** How the sandbox writes its records as PayPal renders them. */
export function paypalRenderers(w: PayPalWorld) {
  const { store, href, merchantId } = w;

  function renderAuthorization(auth: AuthorizationRecord, withRelated: boolean) {
    return {
      id: auth.id,
      status: auth.status,
      ...(auth.status === 'PENDING' ? { status_details: { reason: 'PENDING_REVIEW' } } : {}),
      amount: renderMoney(auth.amount),
      ...(auth.invoiceId ? { invoice_id: auth.invoiceId } : {}),
      ...(auth.customId ? { custom_id: auth.customId } : {}),
      seller_protection: { status: 'NOT_ELIGIBLE' },
      ...(auth.processorResponse && !withRelated ? { processor_response: auth.processorResponse } : {}),
      expiration_time: isoSeconds(auth.expirationTime),
      ...(withRelated ? { supplementary_data: { related_ids: { order_id: auth.orderId } } } : {}),
      links: [
        href(`/v2/payments/authorizations/${auth.id}`, 'self'),
        href(`/v2/payments/authorizations/${auth.id}/capture`, 'capture', 'POST'),
        href(`/v2/payments/authorizations/${auth.id}/void`, 'void', 'POST'),
        href(`/v2/payments/authorizations/${auth.id}/reauthorize`, 'reauthorize', 'POST'),
        href(`/v2/checkout/orders/${auth.orderId}`, 'up'),
      ],
      create_time: isoSeconds(auth.createTime),
      update_time: isoSeconds(auth.updateTime),
    };
  }

  function renderCapture(capture: CaptureRecord, withRelated: boolean) {
    const gross = capture.amount;
    return {
      id: capture.id,
      status: capture.status,
      amount: renderMoney(gross),
      final_capture: capture.finalCapture,
      ...(capture.invoiceId ? { invoice_id: capture.invoiceId } : {}),
      ...(capture.customId ? { custom_id: capture.customId } : {}),
      seller_protection: { status: 'NOT_ELIGIBLE' },
      ...(capture.status === 'DECLINED'
        ? {}
        : {
            seller_receivable_breakdown: {
              gross_amount: renderMoney(gross),
              paypal_fee: renderMoney({ minor: capture.fee, currency: gross.currency }),
              net_amount: renderMoney({ minor: gross.minor - capture.fee, currency: gross.currency }),
            },
          }),
      ...(capture.processorResponse ? { processor_response: capture.processorResponse } : {}),
      disbursement_mode: 'INSTANT',
      ...(withRelated
        ? {
            supplementary_data: {
              related_ids: {
                order_id: capture.orderId,
                ...(capture.authorizationId ? { authorization_id: capture.authorizationId } : {}),
              },
            },
          }
        : {}),
      links: [
        href(`/v2/payments/captures/${capture.id}`, 'self'),
        href(`/v2/payments/captures/${capture.id}/refund`, 'refund', 'POST'),
        capture.authorizationId
          ? href(`/v2/payments/authorizations/${capture.authorizationId}`, 'up')
          : href(`/v2/checkout/orders/${capture.orderId}`, 'up'),
      ],
      create_time: isoSeconds(capture.createTime),
      update_time: isoSeconds(capture.updateTime),
    };
  }

  function renderRefund(refund: RefundRecord) {
    const capture = store.captures.get(refund.captureId);
    const currency = refund.amount.currency;
    return {
      id: refund.id,
      status: refund.status,
      amount: renderMoney(refund.amount),
      ...(refund.invoiceId ? { invoice_id: refund.invoiceId } : {}),
      ...(refund.customId ? { custom_id: refund.customId } : {}),
      ...(refund.noteToPayer ? { note_to_payer: refund.noteToPayer } : {}),
      seller_payable_breakdown: {
        gross_amount: renderMoney(refund.amount),
        paypal_fee: renderMoney({ minor: refund.feeReturned, currency }),
        net_amount: renderMoney({ minor: refund.amount.minor - refund.feeReturned, currency }),
        total_refunded_amount: renderMoney({ minor: capture?.refunded ?? refund.amount.minor, currency }),
      },
      links: [
        href(`/v2/payments/refunds/${refund.id}`, 'self'),
        href(`/v2/payments/captures/${refund.captureId}`, 'up'),
      ],
      create_time: isoSeconds(refund.createTime),
      update_time: isoSeconds(refund.updateTime),
    };
  }

  function renderOrder(order: OrderRecord) {
    const authorizations = order.authorizationIds.map((id) =>
      renderAuthorization(must(store.authorizations, id), false),
    );
    const captures = order.captureIds.map((id) => renderCapture(must(store.captures, id), false));
    const refunds = order.captureIds.flatMap((id) =>
      must(store.captures, id).refundIds.map((r) => renderRefund(must(store.refunds, r))),
    );
    const payments = {
      ...(authorizations.length ? { authorizations } : {}),
      ...(captures.length ? { captures } : {}),
      ...(refunds.length ? { refunds } : {}),
    };
    const source = order.source;
    const links = [href(`/v2/checkout/orders/${order.id}`, 'self')];
    if (order.status === 'CREATED')
      links.push({ href: `${w.baseUrl}/checkoutnow?token=${order.id}`, rel: 'approve', method: 'GET' });
    if (order.status === 'PAYER_ACTION_REQUIRED')
      links.push({ href: `${w.baseUrl}/checkoutnow?token=${order.id}`, rel: 'payer-action', method: 'GET' });
    if (order.status !== 'COMPLETED') links.push(href(`/v2/checkout/orders/${order.id}`, 'update', 'PATCH'));
    if (order.status === 'APPROVED')
      links.push(
        href(
          `/v2/checkout/orders/${order.id}/${order.intent === 'AUTHORIZE' ? 'authorize' : 'capture'}`,
          order.intent === 'AUTHORIZE' ? 'authorize' : 'capture',
          'POST',
        ),
      );
    return {
      id: order.id,
      intent: order.intent,
      status: order.status,
      ...(source?.kind === 'card'
        ? {
            payment_source: {
              card: {
                ...(source.name ? { name: source.name } : {}),
                last_digits: source.lastDigits,
                expiry: source.expiry,
                brand: source.brand,
                available_networks: [source.brand],
                type: 'CREDIT',
              },
            },
          }
        : {}),
      ...(source?.kind === 'paypal' && source.email
        ? {
            payment_source: {
              paypal: {
                email_address: source.email,
                account_id: source.accountId,
                account_status: 'VERIFIED',
                name: { given_name: 'Sandbox', surname: 'Buyer' },
              },
            },
            payer: {
              name: { given_name: 'Sandbox', surname: 'Buyer' },
              email_address: source.email,
              payer_id: source.accountId,
            },
          }
        : {}),
      purchase_units: [
        {
          reference_id: order.unit.reference_id,
          amount: renderMoney(order.unit.amount),
          payee: { email_address: 'merchant@payrail.test', merchant_id: merchantId(order.clientId) },
          ...(order.unit.description ? { description: order.unit.description } : {}),
          ...(order.unit.custom_id ? { custom_id: order.unit.custom_id } : {}),
          ...(order.unit.invoice_id ? { invoice_id: order.unit.invoice_id } : {}),
          ...(order.unit.soft_descriptor ? { soft_descriptor: order.unit.soft_descriptor } : {}),
          ...(Object.keys(payments).length ? { payments } : {}),
        },
      ],
      create_time: isoSeconds(order.createTime),
      update_time: isoSeconds(order.updateTime),
      links,
    };
  }

  const minimal = (full: { id: string; status: string; links: unknown[] }) => ({
    id: full.id,
    status: full.status,
    links: full.links,
  });
  const wantsFull = (ctx: Context) => /return=representation/i.test(String(ctx.headers['prefer'] ?? ''));

  return { renderAuthorization, renderCapture, renderRefund, renderOrder, minimal, wantsFull };
}

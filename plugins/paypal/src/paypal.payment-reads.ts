import { paypalSdk } from './paypal.sdk';
import {
  fail,
  GatewayError,
  succeed,
  type GatewayPaymentSnapshot,
  type Outcome,
  type RefundPart,
  type RefundRequest,
} from '@payrail/plugin-sdk';
import type { PayPalCall } from './paypal.client';
import { fromPayPalMoney, snapshotFromOrder } from './paypal.transformers';

/** The payment behind an authorization id: the authorization names its order, the order holds the rest. */
export async function paypalSnapshot(
  call: PayPalCall,
  authorizationId: string,
): Promise<GatewayPaymentSnapshot> {
  const { result: auth } = await new (paypalSdk().PaymentsController)(call.client).getAuthorizedPayment({
    authorizationId,
  });
  const orderId = auth.supplementaryData?.relatedIds?.orderId;
  if (!orderId) {
    // No order to read captures from: the authorization alone.
    const currency = auth.amount?.currencyCode ?? 'USD';
    const amount = fromPayPalMoney(auth.amount, currency);
    const open =
      auth.status === paypalSdk().AuthorizationStatus.Created ||
      auth.status === paypalSdk().AuthorizationStatus.PartiallyCaptured;
    return (
      snapshotFromOrder(
        {
          id: authorizationId,
          purchaseUnits: [{ amount: auth.amount, payments: { authorizations: [{ ...auth }] } }],
        },
        authorizationId,
      ) ?? {
        reference: authorizationId,
        status: 'pending',
        currency,
        amountAuthorized: amount,
        amountCapturable: open ? amount : 0,
        amountCaptured: 0,
        amountRefunded: 0,
        captures: [],
        refunds: [],
      }
    );
  }
  const { result: order } = await new (paypalSdk().OrdersController)(call.client).getOrder({ id: orderId });
  return snapshotFromOrder(order, authorizationId);
}

/** Where a refund with no reservation is taken from: PayPal's own view of what each capture has left. */
export async function chooseCaptures(
  call: PayPalCall,
  request: RefundRequest,
): Promise<Outcome<RefundPart[]>> {
  const before = await paypalSnapshot(call, request.reference);
  const refundedPerCapture = new Map<string, number>();
  for (const r of before.refunds)
    if (r.status !== 'failed' && r.captureReference)
      refundedPerCapture.set(
        r.captureReference,
        (refundedPerCapture.get(r.captureReference) ?? 0) + r.amount,
      );
  const open = [...before.captures]
    .reverse()
    .map((c) => ({ capture: c, left: c.amount - (refundedPerCapture.get(c.reference) ?? 0) }))
    .filter((c) => c.left > 0);
  const refundable = open.reduce((sum, c) => sum + c.left, 0);
  if (before.amountCaptured === 0)
    return fail(
      new GatewayError('invalid_request', {
        detail: 'nothing has been captured, so nothing can be refunded',
      }),
    );
  if (refundable === 0) return fail(new GatewayError('already_refunded', { reference: request.reference }));
  if (request.amount.amount > refundable)
    return fail(
      new GatewayError('amount_too_large', {
        param: 'amount',
        detail: `at most ${refundable} minor units are left to refund`,
      }),
    );
  let remaining = request.amount.amount;
  const parts: RefundPart[] = [];
  for (const { capture, left } of open) {
    if (remaining === 0) break;
    const part = Math.min(left, remaining);
    parts.push({ captureReference: capture.reference, amount: part });
    remaining -= part;
  }
  return succeed(parts);
}

// The PayPal sandbox's routes for orders, payments, reporting and webhooks (v1 and v2).
import { statusError } from './paypal-errors';
import type { paypalPayments } from './payments-api';
import type { paypalRenderers } from './render';
import type { Route } from './sandbox-types';
import type { paypalSettlements } from './settlements-api';
import type { paypalWebhooksApi } from './webhooks-api';
import type { PayPalWorld } from './world';

const id = '([A-Za-z0-9-]+)';

export function paymentAndWebhookRoutes(
  w: PayPalWorld,
  render: ReturnType<typeof paypalRenderers>,
  payments: ReturnType<typeof paypalPayments>,
  settlements: ReturnType<typeof paypalSettlements>,
  webhooksApi: ReturnType<typeof paypalWebhooksApi>,
): Route[] {
  const { store, signer } = w;
  const { renderAuthorization, renderCapture, renderRefund, renderOrder } = render;
  const {
    createOrder,
    authorizeOrder,
    captureOrder,
    captureAuthorization,
    reauthorize,
    voidAuthorization,
    refundCapture,
  } = payments;
  const { searchTransactions } = settlements;
  const { renderWebhook, createWebhook, verifySignature } = webhooksApi;
  return [
    {
      method: 'POST',
      pattern: /^\/v2\/checkout\/orders$/,
      operation: 'orders.create',
      idempotent: 'replay-200',
      handler: createOrder,
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v2/checkout/orders/${id}$`),
      operation: 'orders.get',
      handler: (ctx) => ({
        status: 200,
        body: renderOrder(store.find(store.orders, ctx.params[0], ctx.clientId, 'order_id')),
      }),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/v2/checkout/orders/${id}/authorize$`),
      operation: 'orders.authorize',
      idempotent: 'replay-200',
      handler: authorizeOrder,
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/v2/checkout/orders/${id}/capture$`),
      operation: 'orders.capture',
      idempotent: 'replay-200',
      handler: captureOrder,
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v2/payments/authorizations/${id}$`),
      operation: 'authorizations.get',
      handler: (ctx) => ({
        status: 200,
        body: renderAuthorization(
          store.find(store.authorizations, ctx.params[0], ctx.clientId, 'authorization_id'),
          true,
        ),
      }),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/v2/payments/authorizations/${id}/capture$`),
      operation: 'authorizations.capture',
      idempotent: 'replay-same',
      handler: captureAuthorization,
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/v2/payments/authorizations/${id}/reauthorize$`),
      operation: 'authorizations.reauthorize',
      idempotent: 'replay-same',
      handler: reauthorize,
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/v2/payments/authorizations/${id}/void$`),
      operation: 'authorizations.void',
      idempotent: 'replay-same',
      handler: voidAuthorization,
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v2/payments/captures/${id}$`),
      operation: 'captures.get',
      handler: (ctx) => ({
        status: 200,
        body: renderCapture(store.find(store.captures, ctx.params[0], ctx.clientId, 'capture_id'), true),
      }),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/v2/payments/captures/${id}/refund$`),
      operation: 'captures.refund',
      idempotent: 'replay-same',
      handler: refundCapture,
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v2/payments/refunds/${id}$`),
      operation: 'refunds.get',
      handler: (ctx) => ({
        status: 200,
        body: renderRefund(store.find(store.refunds, ctx.params[0], ctx.clientId, 'refund_id')),
      }),
    },
    {
      method: 'GET',
      pattern: /^\/v1\/reporting\/transactions$/,
      operation: 'reporting.transactions',
      handler: searchTransactions,
    },
    {
      method: 'POST',
      pattern: /^\/v1\/notifications\/webhooks$/,
      operation: 'webhooks.create',
      handler: createWebhook,
    },
    {
      method: 'GET',
      pattern: /^\/v1\/notifications\/webhooks$/,
      operation: 'webhooks.list',
      handler: (ctx) => ({
        status: 200,
        body: {
          webhooks: [...store.webhooks.values()]
            .filter((w) => w.clientId === ctx.clientId)
            .map(renderWebhook),
        },
      }),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v1/notifications/webhooks/${id}$`),
      operation: 'webhooks.get',
      handler: (ctx) => ({
        status: 200,
        body: renderWebhook(store.find(store.webhooks, ctx.params[0], ctx.clientId, 'webhook_id')),
      }),
    },
    {
      method: 'DELETE',
      pattern: new RegExp(`^/v1/notifications/webhooks/${id}$`),
      operation: 'webhooks.delete',
      handler: (ctx) => {
        store.find(store.webhooks, ctx.params[0], ctx.clientId, 'webhook_id');
        store.webhooks.delete(ctx.params[0]);
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/notifications\/verify-webhook-signature$/,
      operation: 'webhooks.verify',
      handler: verifySignature,
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v1/notifications/certs/${id}$`),
      operation: 'certs.get',
      public: true,
      handler: (ctx) => {
        if (ctx.params[0] !== signer.certId) throw statusError(404);
        return {
          status: 200,
          body: signer.certificatePem,
          headers: { 'content-type': 'application/x-pem-file' },
        };
      },
    },
  ];
}

// The PayPal sandbox's `/_sandbox/*` controls, the JS SDK stand-in's frames and the buyer's approval page.
import { issueError, statusError } from './paypal-errors';
import { paypalId, renderMoney, type OrderRecord } from './paypal-store';
import { paypalApprovalFrame, paypalButtonsFrame } from './browser-sdk';
import type { paypalCardFields } from './card-fields';
import type { paypalDisputes } from './disputes-api';
import type { paypalEvents } from './events';
import type { paypalPayments } from './payments-api';
import type { paypalRenderers } from './render';
import type { PayPalSandbox, Reply } from './sandbox-types';
import type { paypalSettlements } from './settlements-api';
import type { Unavailability } from '../kit';
import type { PayPalWorld } from './world';

export function paypalControls(
  w: PayPalWorld,
  parts: {
    render: ReturnType<typeof paypalRenderers>;
    events: ReturnType<typeof paypalEvents>;
    payments: ReturnType<typeof paypalPayments>;
    disputes: ReturnType<typeof paypalDisputes>;
    settlements: ReturnType<typeof paypalSettlements>;
    unavailable: Unavailability;
    /** PayPal's card fields: their frames and the browser's confirm call. */
    cardFields: ReturnType<typeof paypalCardFields>;
  },
  /** The running sandbox, whose reset, latency and client controls some requests reach. */
  sandbox: () => PayPalSandbox,
) {
  const { store, clients, exchanges, deliveries } = w;
  const { render, events, payments, disputes, settlements, unavailable, cardFields } = parts;
  const { renderOrder } = render;
  const { eventFor, emit } = events;
  const { createOrder } = payments;

  function approveOrder(orderId: string, buyer: { email?: string } = {}): OrderRecord {
    const order = store.orders.get(orderId);
    if (!order)
      throw issueError('INVALID_RESOURCE_ID', { field: 'order_id', value: orderId, location: 'path' });
    if (order.status !== 'CREATED' && order.status !== 'PAYER_ACTION_REQUIRED')
      throw issueError('INVALID_PARAMETER_VALUE', {
        field: 'order_id',
        value: orderId,
        description: `Only a CREATED or PAYER_ACTION_REQUIRED order can be approved; this one is ${order.status}.`,
      });
    const wallet = order.source?.kind === 'paypal' ? order.source : { kind: 'paypal' as const };
    order.source = {
      ...wallet,
      email: buyer.email ?? 'buyer@payrail.test',
      accountId: `B${paypalId().slice(0, 12)}`,
    };
    order.status = 'APPROVED';
    order.updateTime = new Date();
    emit(order.clientId, eventFor(order.id, 'CHECKOUT.ORDER.APPROVED'));
    return order;
  }

  function control(
    method: string,
    path: string,
    body: Record<string, unknown>,
    query: URLSearchParams,
  ): Reply {
    const browser =
      browserControl(method, path, body, query) ?? cardFields.control(method, path, body, query);
    if (browser) return browser;
    const approve = /^\/_sandbox\/orders\/([A-Za-z0-9]+)\/approve$/.exec(path);
    if (method === 'POST' && approve)
      return {
        status: 200,
        body: renderOrder(
          approveOrder(approve[1], { email: typeof body['email'] === 'string' ? body['email'] : undefined }),
        ),
      };
    if (method === 'POST' && path === '/_sandbox/unavailable') {
      const problem = unavailable.set(body['ratio']);
      if (problem) throw issueError('INVALID_PARAMETER_VALUE', { field: 'ratio', description: problem });
      return { status: 200, body: { ratio: unavailable.current } };
    }
    const disputeControl = disputes.control(method, path, body);
    if (disputeControl) return disputeControl;
    const settlementControl = settlements.control(method, path, body);
    if (settlementControl) return settlementControl;
    if (method === 'POST' && path === '/_sandbox/latency') {
      const ms = body['ms'];
      if (typeof ms !== 'number' || ms < 0)
        throw issueError('INVALID_PARAMETER_VALUE', {
          field: 'ms',
          description: 'ms must be a number of milliseconds, 0 or more.',
        });
      sandbox().setLatency(ms, typeof body['client_id'] === 'string' ? body['client_id'] : undefined);
      return { status: 204 };
    }
    if (method === 'POST' && path === '/_sandbox/clients') {
      if (
        typeof body['client_id'] !== 'string' ||
        typeof body['client_secret'] !== 'string' ||
        !body['client_id'] ||
        !body['client_secret']
      )
        throw issueError('MISSING_REQUIRED_PARAMETER', {
          field: 'client_id',
          description: 'client_id and client_secret are required strings.',
        });
      sandbox().addClient(body['client_id'], body['client_secret']);
      return { status: 204 };
    }
    if (method === 'POST' && path === '/_sandbox/tokens/expire') {
      sandbox().expireTokens();
      return { status: 204 };
    }
    if (method === 'POST' && path === '/_sandbox/reset') {
      sandbox().reset();
      return { status: 204 };
    }
    if (method === 'POST' && path === '/_sandbox/webhooks/sign') {
      if (typeof body['resource_id'] !== 'string' || typeof body['webhook_id'] !== 'string')
        throw issueError('MISSING_REQUIRED_PARAMETER', {
          field: 'resource_id',
          description: 'resource_id and webhook_id are required strings.',
        });
      try {
        return {
          status: 200,
          body: sandbox().signedDelivery({
            resourceId: body['resource_id'],
            webhookId: body['webhook_id'],
            eventType: typeof body['event_type'] === 'string' ? body['event_type'] : undefined,
            at:
              typeof body['transmission_time'] === 'string' ? new Date(body['transmission_time']) : undefined,
          }),
        };
      } catch (error) {
        throw issueError('INVALID_RESOURCE_ID', {
          field: 'resource_id',
          value: body['resource_id'],
          description: (error as Error).message,
        });
      }
    }
    if (method === 'GET' && path === '/_sandbox/exchanges') return { status: 200, body: exchanges };
    if (method === 'GET' && path === '/_sandbox/deliveries') return { status: 200, body: deliveries };
    void query;
    throw statusError(404);
  }

  /** The JS SDK stand-in's frames and the order its button creates (`actions.order.create`). */
  function browserControl(
    method: string,
    path: string,
    body: Record<string, unknown>,
    query: URLSearchParams,
  ): Reply | undefined {
    const html = (page: string): Reply => ({
      status: 200,
      body: page,
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' },
    });
    if (method === 'GET' && path === '/_sandbox/js/buttons.html') return html(paypalButtonsFrame());
    if (method === 'GET' && path === '/_sandbox/js/approve.html') {
      const order = store.orders.get(query.get('token') ?? '');
      if (!order)
        return { status: 404, body: 'Unknown order token.', headers: { 'content-type': 'text/plain' } };
      return html(
        paypalApprovalFrame({
          id: order.id,
          amount: renderMoney(order.unit.amount).value,
          currency: order.unit.amount.currency,
        }),
      );
    }
    if (method === 'POST' && path === '/_sandbox/js/orders') {
      const clientId = typeof body['client_id'] === 'string' ? body['client_id'] : '';
      if (!clients.has(clientId)) throw statusError(401);
      const { client_id: _clientId, ...order } = body;
      void _clientId;
      return createOrder({
        method: 'POST',
        path: '/v2/checkout/orders',
        query: new URLSearchParams(),
        headers: {},
        body: order,
        rawBody: JSON.stringify(order),
        clientId,
        params: [],
      });
    }
    return undefined;
  }

  /** The buyer's approval page an `approve` / `payer-action` link leads to. */
  function checkoutPage(method: string, query: URLSearchParams): Reply {
    const token = query.get('token') ?? '';
    const order = store.orders.get(token);
    if (!order)
      return { status: 404, body: 'Unknown order token.', headers: { 'content-type': 'text/plain' } };
    if (method === 'POST') {
      approveOrder(token);
      const back = order.source?.kind === 'paypal' ? order.source.returnUrl : undefined;
      if (back) {
        const target = new URL(back);
        target.searchParams.set('token', order.id);
        target.searchParams.set('PayerID', (order.source as { accountId?: string }).accountId ?? '');
        return { status: 302, headers: { location: target.toString() } };
      }
      return { status: 200, body: `Order ${order.id} approved.`, headers: { 'content-type': 'text/plain' } };
    }
    const page = `<!doctype html><title>PayPal sandbox checkout</title><h1>Pay ${renderMoney(order.unit.amount).value} ${order.unit.amount.currency}</h1><form method="post" action="/checkoutnow?token=${order.id}"><button>Approve as sandbox buyer</button></form>`;
    return { status: 200, body: page, headers: { 'content-type': 'text/html' } };
  }

  return { approveOrder, control, checkoutPage };
}

// Each scenario's two paths: through Payrail's HTTP API, and the same gateway calls made
// straight to the sandbox with the official SDK (the calls the plugin makes for that request).
import { Agent as HttpAgent } from 'node:http';
import { connect } from 'node:net';
import {
  CheckoutPaymentIntent,
  Client as PayPalClient,
  Environment,
  OrdersController,
  PaymentsController,
} from '@paypal/paypal-server-sdk';
import { SquareClient } from 'square';
import Stripe from 'stripe';

const REPRESENTATION = 'return=representation';
// The sandboxes' published test values; the card number is the networks' generic Visa test number.
const SANDBOX = {
  stripeKey: ['sk', 'test', 'PayrailSandbox000000000000000000000000'].join('_'),
  paypal: { id: 'payrail-sandbox-test-client-id', secret: 'payrail-sandbox-test-client-secret' },
  square: { token: 'EAAAtest-payrail-sandbox-access-token', location: 'LPAYRAILSANDBOX1' },
  visa: `4${'1'.repeat(15)}`,
};

/** Payrail's merchant API over loopback with one API key. */
export function payrailClient(apiUrl, apiKey) {
  const call = async (method, path, body, idempotencyKey) => {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await response.json();
    if (response.status >= 300)
      throw new Error(
        `${method} ${path} answered ${response.status}: ${json.error?.code} ${json.error?.message}`,
      );
    return json;
  };
  return {
    post: (path, body, key) => call('POST', path, body, key),
    get: (path) => call('GET', path),
  };
}

/** The SDK clients pointed at the sandboxes. */
export function directClients(ports) {
  const stripe = new Stripe(SANDBOX.stripeKey, {
    host: '127.0.0.1',
    port: ports.stripe,
    protocol: 'http',
    maxNetworkRetries: 0,
    telemetry: false,
  });
  // PayPal's SDK only knows PayPal's hosts: its sockets are sent to the sandbox instead.
  const agent = new HttpAgent({ keepAlive: true });
  agent.protocol = 'https:';
  agent.createConnection = () => connect({ host: '127.0.0.1', port: ports.paypal });
  const paypal = new PayPalClient({
    environment: Environment.Sandbox,
    timeout: 30_000,
    clientCredentialsAuthCredentials: {
      oAuthClientId: SANDBOX.paypal.id,
      oAuthClientSecret: SANDBOX.paypal.secret,
    },
    httpClientOptions: { timeout: 30_000, httpsAgent: agent, retryConfig: { maxNumberOfRetries: 0 } },
  });
  const square = new SquareClient({
    token: SANDBOX.square.token,
    baseUrl: `http://127.0.0.1:${ports.square}`,
    maxRetries: 0,
  });
  return { stripe, paypal, square };
}

const amountOf = (i) => 1000 + (i % 100);

/** Authorize + capture pairs, per gateway: `payrail(i, timed)` and `direct(i, timed)`. */
export function pairs(gateway, api, sdk, tag) {
  const viaPayrail = (paymentMethod) => async (i, timed) => {
    const payment = await timed(() =>
      api.post(
        '/v1/payments',
        {
          amount: amountOf(i),
          currency: 'usd',
          gateway,
          capture_method: 'manual',
          payment_method: paymentMethod,
        },
        `bench-${tag}-auth-${i}`,
      ),
    );
    if (payment.status !== 'authorized') throw new Error(`payment ended ${payment.status}`);
    const captured = await timed(() =>
      api.post(`/v1/payments/${payment.id}/capture`, {}, `bench-${tag}-cap-${i}`),
    );
    if (captured.status !== 'captured') throw new Error(`capture ended ${captured.status}`);
    return payment.id;
  };
  if (gateway === 'stripe')
    return {
      payrail: viaPayrail({ token: 'pm_card_visa' }),
      direct: async (i, timed) => {
        const intent = await timed(() =>
          sdk.stripe.paymentIntents.create(
            {
              amount: amountOf(i),
              currency: 'usd',
              capture_method: 'manual',
              confirm: true,
              payment_method: 'pm_card_visa',
              metadata: { payrail_payment_id: `pay_${tag}${i}`, payrail_attempt_id: `att_${tag}${i}` },
              expand: ['latest_charge'],
            },
            { idempotencyKey: `direct-${tag}-auth-${i}` },
          ),
        );
        if (intent.status !== 'requires_capture') throw new Error(`intent ended ${intent.status}`);
        const captured = await timed(() =>
          sdk.stripe.paymentIntents.capture(
            intent.id,
            {
              amount_to_capture: amountOf(i),
              metadata: { payrail_capture_attempt_id: `att_${tag}c${i}` },
              expand: ['latest_charge'],
            },
            { idempotencyKey: `direct-${tag}-cap-${i}` },
          ),
        );
        if (captured.status !== 'succeeded') throw new Error(`intent ended ${captured.status}`);
        return intent.id;
      },
    };
  if (gateway === 'paypal') {
    const card = () => ({ number: SANDBOX.visa, exp_month: 12, exp_year: new Date().getUTCFullYear() + 3 });
    return {
      payrail: viaPayrail({ card: card() }),
      direct: async (i, timed) => {
        const orders = new OrdersController(sdk.paypal);
        const payments = new PaymentsController(sdk.paypal);
        const { number, exp_month, exp_year } = card();
        // One Payrail request is one step here: create the order, and authorize it if it is only approved.
        const authorized = await timed(async () => {
          const { result: order } = await orders.createOrder({
            body: {
              intent: CheckoutPaymentIntent.Authorize,
              purchaseUnits: [
                {
                  referenceId: `pay_${tag}${i}`,
                  customId: `att_${tag}${i}`,
                  amount: { currencyCode: 'USD', value: (amountOf(i) / 100).toFixed(2) },
                },
              ],
              paymentSource: {
                card: { number, expiry: `${exp_year}-${String(exp_month).padStart(2, '0')}` },
              },
            },
            paypalRequestId: `direct-${tag}-auth-${i}`,
            prefer: REPRESENTATION,
          });
          if (order.purchaseUnits?.[0]?.payments?.authorizations?.length) return order;
          const { result } = await orders.authorizeOrder({
            id: order.id,
            paypalRequestId: `direct-${tag}-auth-${i}:authorize`,
            prefer: REPRESENTATION,
          });
          return result;
        });
        const authorization = authorized.purchaseUnits?.[0]?.payments?.authorizations?.[0];
        if (!authorization?.id) throw new Error(`order ended ${authorized.status} without an authorization`);
        await timed(async () => {
          await payments.captureAuthorizedPayment({
            authorizationId: authorization.id,
            paypalRequestId: `direct-${tag}-cap-${i}`,
            prefer: REPRESENTATION,
            body: {
              amount: { currencyCode: 'USD', value: (amountOf(i) / 100).toFixed(2) },
              finalCapture: true,
              invoiceId: `att_${tag}c${i}`,
            },
          });
          // The plugin reads the payment's state back after a capture, as here.
          const { result: auth } = await payments.getAuthorizedPayment({ authorizationId: authorization.id });
          await orders.getOrder({ id: auth.supplementaryData?.relatedIds?.orderId ?? authorized.id });
        });
        return authorized.id;
      },
    };
  }
  return {
    payrail: viaPayrail({ token: 'cnon:card-nonce-ok' }),
    direct: async (i, timed) => {
      const { payment } = await timed(() =>
        sdk.square.payments.create({
          sourceId: 'cnon:card-nonce-ok',
          idempotencyKey: `direct-${tag}-auth-${i}`,
          amountMoney: { amount: BigInt(amountOf(i)), currency: 'USD' },
          autocomplete: false,
          locationId: SANDBOX.square.location,
          referenceId: `pay_${tag}${i}`,
          note: `att_${tag}${i}`,
        }),
      );
      if (payment?.status !== 'APPROVED') throw new Error(`payment ended ${payment?.status}`);
      await timed(async () => {
        // The plugin reads the payment (for its version) before completing it, as here.
        const current = await sdk.square.payments.get({ paymentId: payment.id });
        const { payment: completed } = await sdk.square.payments.complete({
          paymentId: payment.id,
          versionToken: current.payment?.versionToken,
        });
        if (completed?.status !== 'COMPLETED') throw new Error(`payment ended ${completed?.status}`);
      });
      return payment.id;
    },
  };
}

/** Reads: one payment by id, and a page of 100. */
export function reads(api, sdk, ids) {
  return {
    get: {
      payrail: (i, timed) => timed(() => api.get(`/v1/payments/${ids.payrail[i % ids.payrail.length]}`)),
      direct: (i, timed) =>
        timed(() =>
          sdk.stripe.paymentIntents.retrieve(ids.direct[i % ids.direct.length], {
            expand: ['latest_charge'],
          }),
        ),
    },
    list: {
      payrail: (_i, timed) => timed(() => api.get('/v1/payments?limit=100')),
      direct: (_i, timed) => timed(() => sdk.stripe.paymentIntents.list({ limit: 100 })),
    },
  };
}

// The Stripe sandbox's routes for the account, balance, payments, refunds, events and webhook endpoints.
import { randomBytes } from 'node:crypto';
import type { Params } from './form';
import { withoutSecret } from './request-helpers';
import { LIST_PARAMS, route, type Route } from './routing';
import type { StripeState } from './state';
import type { StripeObject } from './state-types';

interface AccountFacts {
  accountId: string;
  accountName: string;
}

type List = (items: StripeObject[], params: Params, url: string) => Record<string, unknown>;

const account = (defaults: AccountFacts): Record<string, unknown> => ({
  id: defaults.accountId,
  object: 'account',
  business_profile: {
    mcc: '5734',
    name: defaults.accountName,
    support_email: null,
    support_phone: null,
    support_url: null,
    url: null,
  },
  business_type: 'company',
  capabilities: { card_payments: 'active', transfers: 'active' },
  charges_enabled: true,
  country: 'US',
  created: 1700000000,
  default_currency: 'usd',
  details_submitted: true,
  email: 'sandbox@payrail.invalid',
  metadata: {},
  payouts_enabled: true,
  settings: {
    branding: { icon: null, logo: null, primary_color: null, secondary_color: null },
    card_payments: {
      decline_on: { avs_failure: false, cvc_failure: true },
      statement_descriptor_prefix: 'PAYRAIL',
      statement_descriptor_prefix_kana: null,
      statement_descriptor_prefix_kanji: null,
    },
    dashboard: { display_name: defaults.accountName, timezone: 'Etc/UTC' },
    payments: {
      statement_descriptor: 'PAYRAIL SANDBOX',
      statement_descriptor_kana: null,
      statement_descriptor_kanji: null,
    },
  },
  type: 'standard',
});

export function paymentRoutes(state: StripeState, list: List, defaults: AccountFacts): Route[] {
  return [
    route('GET', '/v1/account', 'account', 'read', ({ params }) => (params.only(), account(defaults))),
    route('GET', '/v1/balance', 'balance', 'read', ({ params }) => (params.only(), state.balance())),
    route('GET', '/v1/balance_transactions', 'balance', 'read', ({ params }) => {
      params.only(...LIST_PARAMS, 'type', 'source', 'currency', 'payout');
      const type = params.string('type');
      const source = params.string('source');
      const currency = params.string('currency');
      const payout = params.string('payout');
      const rows = (payout ? state.payoutTransactions(payout) : state.listBalanceTransactions()).filter(
        (t) =>
          (!type || t.type === type) &&
          (!source || t.source === source) &&
          (!currency || t.currency === currency),
      );
      return list(rows, params, '/v1/balance_transactions');
    }),
    route('GET', '/v1/payouts', 'balance', 'read', ({ params }) => {
      params.only(...LIST_PARAMS, 'status', 'arrival_date', 'destination');
      const status = params.string('status');
      return list(
        state.listPayouts().filter((p) => !status || p.status === status),
        params,
        '/v1/payouts',
      );
    }),
    route(
      'GET',
      '/v1/payouts/{id}',
      'balance',
      'read',
      ({ params, path }) => (params.only(), state.retrievePayout(path['id'])),
    ),
    route(
      'GET',
      '/v1/balance_transactions/{id}',
      'balance',
      'read',
      ({ params, path }) => (params.only(), state.retrieveBalanceTransaction(path['id'])),
    ),
    route('GET', '/v1/charges', 'charges', 'read', ({ params }) => {
      params.only(...LIST_PARAMS, 'payment_intent', 'customer', 'transfer_group');
      const pi = params.string('payment_intent');
      return list(
        state.listCharges().filter((c) => !pi || c.payment_intent === pi),
        params,
        '/v1/charges',
      );
    }),
    route(
      'GET',
      '/v1/charges/{charge}',
      'charges',
      'read',
      ({ params, path }) => (params.only(), state.retrieveCharge(path['charge'])),
    ),
    route('GET', '/v1/events', 'events', 'read', ({ params }) => {
      params.only(...LIST_PARAMS, 'type', 'types', 'delivery_success');
      const type = params.string('type');
      const types = params.strings('types');
      const matches = (t: string) =>
        (!type || (type.endsWith('*') ? t.startsWith(type.slice(0, -1)) : t === type)) &&
        (!types || types.includes(t));
      return list(
        state.listEvents().filter((e) => matches(e.type)),
        params,
        '/v1/events',
      );
    }),
    route(
      'GET',
      '/v1/events/{id}',
      'events',
      'read',
      ({ params, path }) => (params.only(), state.retrieveEvent(path['id'])),
    ),
    route('POST', '/v1/tokens', 'tokens', 'write', ({ params }) => state.createToken(params)),
    route('POST', '/v1/payment_methods', 'payment_methods', 'write', ({ params }) =>
      state.createPaymentMethod(params),
    ),
    route(
      'GET',
      '/v1/payment_methods/{payment_method}',
      'payment_methods',
      'read',
      ({ params, path }) => (params.only(), state.retrievePaymentMethod(path['payment_method'])),
    ),
    route('POST', '/v1/payment_intents', 'payment_intents', 'write', ({ params, ctx }) =>
      state.createPaymentIntent(params, ctx),
    ),
    route('GET', '/v1/payment_intents', 'payment_intents', 'read', ({ params }) => {
      params.only(...LIST_PARAMS, 'customer');
      const customer = params.string('customer');
      return list(
        state.listPaymentIntents().filter((p) => !customer || p['customer'] === customer),
        params,
        '/v1/payment_intents',
      );
    }),
    route(
      'GET',
      '/v1/payment_intents/{intent}',
      'payment_intents',
      'read',
      ({ params, path }) => (params.only('client_secret'), state.retrievePaymentIntent(path['intent'])),
    ),
    route('POST', '/v1/payment_intents/{intent}', 'payment_intents', 'write', ({ params, path }) =>
      state.updatePaymentIntent(path['intent'], params),
    ),
    route(
      'POST',
      '/v1/payment_intents/{intent}/confirm',
      'payment_intents',
      'write',
      ({ params, path, ctx }) => state.confirmPaymentIntent(path['intent'], params, ctx),
    ),
    route(
      'POST',
      '/v1/payment_intents/{intent}/capture',
      'payment_intents',
      'write',
      ({ params, path, ctx }) => state.capturePaymentIntent(path['intent'], params, ctx),
    ),
    route(
      'POST',
      '/v1/payment_intents/{intent}/cancel',
      'payment_intents',
      'write',
      ({ params, path, ctx }) => state.cancelPaymentIntent(path['intent'], params, ctx),
    ),
    route('POST', '/v1/refunds', 'refunds', 'write', ({ params, ctx }) => state.createRefund(params, ctx)),
    route('GET', '/v1/refunds', 'refunds', 'read', ({ params }) => {
      params.only(...LIST_PARAMS, 'payment_intent', 'charge');
      const pi = params.string('payment_intent');
      const charge = params.string('charge');
      const rows = state
        .listRefunds()
        .filter((r) => (!pi || r.payment_intent === pi) && (!charge || r.charge === charge));
      return list(rows, params, '/v1/refunds');
    }),
    route(
      'GET',
      '/v1/refunds/{refund}',
      'refunds',
      'read',
      ({ params, path }) => (params.only(), state.retrieveRefund(path['refund'])),
    ),
    route('POST', '/v1/refunds/{refund}', 'refunds', 'write', ({ params, path }) =>
      state.updateRefund(path['refund'], params),
    ),
    route('POST', '/v1/webhook_endpoints', 'webhook_endpoints', 'write', ({ params }) =>
      state.createWebhookEndpoint(
        params,
        `whsec_${randomBytes(24).toString('base64url').replace(/[-_]/g, 'x')}`,
      ),
    ),
    route('GET', '/v1/webhook_endpoints', 'webhook_endpoints', 'read', ({ params }) => {
      params.only(...LIST_PARAMS);
      return list(state.listWebhookEndpoints().map(withoutSecret), params, '/v1/webhook_endpoints');
    }),
    route(
      'GET',
      '/v1/webhook_endpoints/{webhook_endpoint}',
      'webhook_endpoints',
      'read',
      ({ params, path }) => (
        params.only(),
        withoutSecret(state.retrieveWebhookEndpoint(path['webhook_endpoint']))
      ),
    ),
    route(
      'POST',
      '/v1/webhook_endpoints/{webhook_endpoint}',
      'webhook_endpoints',
      'write',
      ({ params, path }) => withoutSecret(state.updateWebhookEndpoint(path['webhook_endpoint'], params)),
    ),
    route(
      'DELETE',
      '/v1/webhook_endpoints/{webhook_endpoint}',
      'webhook_endpoints',
      'write',
      ({ params, path }) => (params.only(), state.deleteWebhookEndpoint(path['webhook_endpoint'])),
    ),
  ];
}

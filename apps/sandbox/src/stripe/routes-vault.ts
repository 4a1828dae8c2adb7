// The Stripe sandbox's routes for customers, saved PaymentMethods, SetupIntents, disputes and search.
import type { Params } from './form';
import { LIST_PARAMS, route, type Route } from './routing';
import { searchResult } from './search';
import type { StripeState } from './state';
import type { StripeObject } from './state-types';

type List = (items: StripeObject[], params: Params, url: string) => Record<string, unknown>;

/** Search routes come before `/{id}` routes of the same resource, since `search` would match `{id}`. */
export function searchRoutes(state: StripeState): Route[] {
  const sequence = (id: string) => state.sequence(id);
  return [
    route('GET', '/v1/payment_intents/search', 'payment_intents', 'read', ({ params }) =>
      searchResult(
        'payment_intents',
        state.listPaymentIntents(),
        params,
        '/v1/payment_intents/search',
        sequence,
      ),
    ),
    route('GET', '/v1/charges/search', 'charges', 'read', ({ params }) =>
      searchResult('charges', state.listCharges(), params, '/v1/charges/search', sequence),
    ),
    route('GET', '/v1/customers/search', 'customers', 'read', ({ params }) =>
      searchResult('customers', state.listCustomers(), params, '/v1/customers/search', sequence),
    ),
  ];
}

export function vaultRoutes(state: StripeState, list: List): Route[] {
  return [
    route('POST', '/v1/customers', 'customers', 'write', ({ params, ctx }) =>
      state.createCustomer(params, ctx),
    ),
    route('GET', '/v1/customers', 'customers', 'read', ({ params }) => {
      params.only(...LIST_PARAMS, 'email');
      const email = params.string('email');
      return list(
        state.listCustomers().filter((c) => !email || c.email === email),
        params,
        '/v1/customers',
      );
    }),
    route(
      'GET',
      '/v1/customers/{customer}',
      'customers',
      'read',
      ({ params, path }) => (params.only(), state.retrieveCustomer(path['customer'])),
    ),
    route('POST', '/v1/customers/{customer}', 'customers', 'write', ({ params, path, ctx }) =>
      state.updateCustomer(path['customer'], params, ctx),
    ),
    route(
      'DELETE',
      '/v1/customers/{customer}',
      'customers',
      'write',
      ({ params, path, ctx }) => (params.only(), state.deleteCustomer(path['customer'], ctx)),
    ),
    route(
      'GET',
      '/v1/customers/{customer}/payment_methods',
      'payment_methods',
      'read',
      ({ params, path }) => {
        params.only('limit', 'starting_after', 'ending_before', 'type', 'allow_redisplay');
        return list(
          state.customerPaymentMethods(path['customer'], params.string('type')),
          params,
          `/v1/customers/${path['customer']}/payment_methods`,
        );
      },
    ),
    route(
      'GET',
      '/v1/customers/{customer}/payment_methods/{payment_method}',
      'payment_methods',
      'read',
      ({ params, path }) => (
        params.only(),
        state.retrieveCustomerPaymentMethod(path['customer'], path['payment_method'])
      ),
    ),
    route('GET', '/v1/payment_methods', 'payment_methods', 'read', ({ params }) => {
      params.only('limit', 'starting_after', 'ending_before', 'type', 'customer');
      const customer = params.requiredString('customer');
      return list(
        state.customerPaymentMethods(customer, params.string('type')),
        params,
        '/v1/payment_methods',
      );
    }),
    route(
      'POST',
      '/v1/payment_methods/{payment_method}/attach',
      'payment_methods',
      'write',
      ({ params, path, ctx }) => state.attachPaymentMethod(path['payment_method'], params, ctx),
    ),
    route(
      'POST',
      '/v1/payment_methods/{payment_method}/detach',
      'payment_methods',
      'write',
      ({ params, path, ctx }) => state.detachPaymentMethod(path['payment_method'], params, ctx),
    ),
    route('POST', '/v1/setup_intents', 'setup_intents', 'write', ({ params, ctx }) =>
      state.createSetupIntent(params, ctx),
    ),
    route('GET', '/v1/setup_intents', 'setup_intents', 'read', ({ params }) => {
      params.only(...LIST_PARAMS, 'customer', 'payment_method');
      const customer = params.string('customer');
      const pm = params.string('payment_method');
      return list(
        state
          .listSetupIntents()
          .filter((s) => (!customer || s.customer === customer) && (!pm || s.payment_method === pm)),
        params,
        '/v1/setup_intents',
      );
    }),
    route(
      'GET',
      '/v1/setup_intents/{intent}',
      'setup_intents',
      'read',
      ({ params, path }) => (params.only('client_secret'), state.retrieveSetupIntent(path['intent'])),
    ),
    route('POST', '/v1/setup_intents/{intent}/confirm', 'setup_intents', 'write', ({ params, path, ctx }) =>
      state.confirmSetupIntent(path['intent'], params, ctx),
    ),
    route('POST', '/v1/setup_intents/{intent}/cancel', 'setup_intents', 'write', ({ params, path, ctx }) =>
      state.cancelSetupIntent(path['intent'], params, ctx),
    ),
    route('GET', '/v1/disputes', 'disputes', 'read', ({ params }) => {
      params.only(...LIST_PARAMS, 'charge', 'payment_intent');
      const charge = params.string('charge');
      const pi = params.string('payment_intent');
      return list(
        state
          .listDisputes()
          .filter((d) => (!charge || d.charge === charge) && (!pi || d.payment_intent === pi)),
        params,
        '/v1/disputes',
      );
    }),
    route(
      'GET',
      '/v1/disputes/{dispute}',
      'disputes',
      'read',
      ({ params, path }) => (params.only(), state.retrieveDispute(path['dispute'])),
    ),
    route('POST', '/v1/disputes/{dispute}', 'disputes', 'write', ({ params, path, ctx }) =>
      state.updateDispute(path['dispute'], params, ctx),
    ),
    route('POST', '/v1/files', 'files', 'write', ({ ctx }) => state.createFile(ctx.upload ?? { form: {} })),
    route('GET', '/v1/files', 'files', 'read', ({ params }) => {
      params.only(...LIST_PARAMS, 'purpose');
      const purpose = params.string('purpose');
      return list(
        state.listFiles().filter((f) => !purpose || f.purpose === purpose),
        params,
        '/v1/files',
      );
    }),
    route(
      'GET',
      '/v1/files/{file}',
      'files',
      'read',
      ({ params, path }) => (params.only(), state.retrieveFile(path['file'])),
    ),
    route('POST', '/v1/disputes/{dispute}/close', 'disputes', 'write', ({ params, path, ctx }) =>
      state.acceptDispute(path['dispute'], params, ctx),
    ),
  ];
}

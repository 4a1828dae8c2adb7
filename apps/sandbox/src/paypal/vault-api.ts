import { readCardSource } from './card-source';
import { issueError } from './paypal-errors';
import { paypalId, type CardSource, type VaultTokenRecord } from './paypal-store';
import type { Context, Reply } from './sandbox-types';
import type { paypalEvents } from './events';
import type { PayPalWorld } from './world';

const STORED_CREDENTIAL = {
  payment_initiator: ['CUSTOMER', 'MERCHANT'],
  payment_type: ['ONE_TIME', 'RECURRING', 'UNSCHEDULED'],
  usage: ['FIRST', 'SUBSEQUENT', 'DERIVED'],
} as const;

/** PayPal's vault (v3): setup tokens, payment tokens, and charging a saved card by `vault_id`. */
export function paypalVault(w: PayPalWorld, events: ReturnType<typeof paypalEvents>) {
  const { store, href } = w;

  const customerIdOf = (body: Record<string, unknown>): string => {
    const customer = body['customer'] as Record<string, unknown> | undefined;
    const id = customer?.['id'];
    if (id === undefined) return `C${paypalId(12)}`;
    if (typeof id !== 'string' || !/^[0-9a-zA-Z_-]{1,22}$/.test(id))
      throw issueError('INVALID_PARAMETER_VALUE', { field: '/customer/id', value: String(id) });
    return id;
  };

  const renderCard = (card: CardSource) => ({
    ...(card.name ? { name: card.name } : {}),
    last_digits: card.lastDigits,
    brand: card.brand,
    expiry: card.expiry,
  });

  const render = (token: VaultTokenRecord) => {
    const base = token.kind === 'setup' ? '/v3/vault/setup-tokens' : '/v3/vault/payment-tokens';
    return {
      id: token.id,
      customer: { id: token.customerId },
      ...(token.kind === 'setup' ? { status: token.status } : {}),
      payment_source: { card: renderCard(token.card) },
      links:
        token.kind === 'setup'
          ? [href(`${base}/${token.id}`, 'self'), href('/v3/vault/payment-tokens', 'confirm', 'POST')]
          : [href(`${base}/${token.id}`, 'self'), href(`${base}/${token.id}`, 'delete', 'DELETE')],
    };
  };

  const find = (id: string, clientId: string, kind: VaultTokenRecord['kind']): VaultTokenRecord => {
    const token = store.vaultTokens.get(id);
    if (!token || token.clientId !== clientId || token.kind !== kind)
      throw issueError('INVALID_RESOURCE_ID', { field: 'id', value: id, location: 'path' });
    return token;
  };

  function createSetupToken(ctx: Context): Reply {
    const source = ctx.body['payment_source'] as Record<string, Record<string, unknown>> | undefined;
    if (!source || typeof source !== 'object')
      throw issueError('MISSING_REQUIRED_PARAMETER', { field: '/payment_source' });
    if (!source['card'])
      throw issueError('INVALID_PARAMETER_VALUE', {
        field: '/payment_source',
        value: Object.keys(source)[0],
      });
    const token: VaultTokenRecord = {
      id: paypalId(),
      clientId: ctx.clientId,
      customerId: customerIdOf(ctx.body),
      card: readCardSource(source['card'], '/payment_source/card'),
      kind: 'setup',
      status: 'APPROVED',
      createTime: new Date(),
    };
    store.vaultTokens.set(token.id, token);
    return { status: 201, body: render(token) };
  }

  function createPaymentToken(ctx: Context): Reply {
    const source = ctx.body['payment_source'] as Record<string, Record<string, unknown>> | undefined;
    const tokenRef = source?.['token'];
    if (!tokenRef) throw issueError('MISSING_REQUIRED_PARAMETER', { field: '/payment_source/token' });
    if (tokenRef['type'] !== 'SETUP_TOKEN')
      throw issueError('INVALID_PARAMETER_VALUE', {
        field: '/payment_source/token/type',
        value: String(tokenRef['type']),
      });
    const setupId = String(tokenRef['id'] ?? '');
    const setup = store.vaultTokens.get(setupId);
    if (!setup || setup.clientId !== ctx.clientId || setup.kind !== 'setup' || setup.status !== 'APPROVED')
      throw issueError('INVALID_RESOURCE_ID', { field: '/payment_source/token/id', value: setupId });
    setup.status = 'VAULTED';
    const token: VaultTokenRecord = {
      ...setup,
      id: paypalId(8).toLowerCase(),
      kind: 'payment',
      createTime: new Date(),
    };
    store.vaultTokens.set(token.id, token);
    events.emit(ctx.clientId, events.envelope('VAULT.PAYMENT-TOKEN.CREATED', 'payment_token', render(token)));
    return { status: 201, body: render(token) };
  }

  function listPaymentTokens(ctx: Context): Reply {
    const customerId = ctx.query.get('customer_id');
    if (!customerId)
      throw issueError('MISSING_REQUIRED_PARAMETER', { field: 'customer_id', location: 'query' });
    const tokens = [...store.vaultTokens.values()].filter(
      (t) => t.clientId === ctx.clientId && t.kind === 'payment' && t.customerId === customerId,
    );
    return {
      status: 200,
      body: {
        customer: { id: customerId },
        payment_tokens: tokens.map(render),
        ...(tokens.length ? { total_items: tokens.length, total_pages: 1 } : {}),
        links: [href(`/v3/vault/payment-tokens?customer_id=${customerId}`, 'self')],
      },
    };
  }

  function deletePaymentToken(ctx: Context): Reply {
    const token = find(ctx.params[0], ctx.clientId, 'payment');
    store.vaultTokens.delete(token.id);
    events.emit(
      ctx.clientId,
      events.envelope('VAULT.PAYMENT-TOKEN.DELETED', 'payment_token', { id: token.id }),
    );
    return { status: 204 };
  }

  /** An order's `payment_source.card`: raw card details, or a saved card's `vault_id` with its stored-credential flags. */
  function cardForOrder(card: Record<string, unknown>, clientId: string, now: Date): CardSource {
    const vaultId = card['vault_id'];
    if (vaultId === undefined) return readCardSource(card, '/payment_source/card', now);
    const token = store.vaultTokens.get(String(vaultId));
    if (!token || token.clientId !== clientId || token.kind !== 'payment')
      throw issueError('INVALID_PARAMETER_VALUE', {
        field: '/payment_source/card/vault_id',
        value: String(vaultId),
        description: 'The vault_id is not a payment token of this account.',
      });
    const stored = card['stored_credential'] as Record<string, unknown> | undefined;
    if (stored !== undefined) {
      for (const [key, allowed] of Object.entries(STORED_CREDENTIAL)) {
        const value = stored[key];
        if (value !== undefined && !(allowed as readonly unknown[]).includes(value))
          throw issueError('INVALID_PARAMETER_VALUE', {
            field: `/payment_source/card/stored_credential/${key}`,
            value: String(value),
          });
      }
    }
    return { ...token.card };
  }

  return {
    createSetupToken,
    getSetupToken: (ctx: Context): Reply => ({
      status: 200,
      body: render(find(ctx.params[0], ctx.clientId, 'setup')),
    }),
    createPaymentToken,
    getPaymentToken: (ctx: Context): Reply => ({
      status: 200,
      body: render(find(ctx.params[0], ctx.clientId, 'payment')),
    }),
    listPaymentTokens,
    deletePaymentToken,
    cardForOrder,
  };
}

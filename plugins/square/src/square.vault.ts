// Customers and cards on file on Square: the Customers API and the Cards API. Deleting a card
// disables it (Square keeps disabled cards but never charges them).
import {
  GatewayError,
  type SavedMethod,
  type SaveMethodRequest,
  type VaultCustomer,
  type VaultCustomerRequest,
  type VaultMethodRequest,
} from '@payrail/plugin-sdk';
import type { Square, SquareClient } from 'square';
import { squareIdempotencyKey } from './square.transformers';

export type SquareCall = <T>(
  perform: (square: SquareClient, options: SquareClient.RequestOptions) => Promise<T>,
) => Promise<T>;

/** Square has given and family names; a full name splits at its last space. */
function names(name?: string): { givenName?: string; familyName?: string } {
  const trimmed = name?.trim();
  if (!trimmed) return {};
  const at = trimmed.lastIndexOf(' ');
  return at < 0
    ? { givenName: trimmed }
    : { givenName: trimmed.slice(0, at), familyName: trimmed.slice(at + 1) };
}

export async function createSquareCustomer(
  call: SquareCall,
  request: VaultCustomerRequest,
): Promise<VaultCustomer> {
  const named = names(request.name);
  const response = await call((square, options) =>
    square.customers.create(
      {
        idempotencyKey: squareIdempotencyKey(request.idempotencyKey),
        ...named,
        ...(request.email ? { emailAddress: request.email } : {}),
        ...(request.phone ? { phoneNumber: request.phone } : {}),
        // Square asks for at least one name or contact field; the reference is always there.
        ...(!named.givenName && !request.email && !request.phone ? { companyName: request.customerId } : {}),
        referenceId: request.customerId.slice(0, 100),
      },
      options,
    ),
  );
  if (!response.customer?.id)
    throw new GatewayError('processing_error', {
      detail: 'Square answered without a customer',
      indeterminate: true,
    });
  return { reference: response.customer.id };
}

export function savedCardOf(card: Square.Card): SavedMethod {
  return {
    reference: card.id ?? '',
    status: 'ready',
    card: {
      brand: card.cardBrand?.toLowerCase(),
      last4: card.last4,
      expMonth: card.expMonth === undefined || card.expMonth === null ? undefined : Number(card.expMonth),
      expYear: card.expYear === undefined || card.expYear === null ? undefined : Number(card.expYear),
      ...(card.fingerprint ? { fingerprint: card.fingerprint } : {}),
    },
  };
}

export async function saveSquareCard(call: SquareCall, request: SaveMethodRequest): Promise<SavedMethod> {
  if ('card' in request.method)
    throw new GatewayError('invalid_request', {
      param: 'payment_method.card',
      detail:
        'Square takes no raw card numbers from a server: save a card with its Web Payments SDK nonce (cnon:…)',
    });
  const token = request.method.token;
  const response = await call((square, options) =>
    square.cards.create(
      {
        idempotencyKey: squareIdempotencyKey(request.idempotencyKey),
        sourceId: token,
        card: { customerId: request.customerReference },
      },
      options,
    ),
  );
  if (!response.card?.id)
    throw new GatewayError('processing_error', {
      detail: 'Square answered without a card',
      indeterminate: true,
    });
  return savedCardOf(response.card);
}

export async function listSquareCards(call: SquareCall, customerReference: string): Promise<SavedMethod[]> {
  const cards: SavedMethod[] = [];
  const page = await call((square, options) => square.cards.list({ customerId: customerReference }, options));
  for await (const card of page) cards.push(savedCardOf(card));
  return cards;
}

export async function disableSquareCard(call: SquareCall, request: VaultMethodRequest): Promise<void> {
  const found = await call((square, options) =>
    square.cards.get({ cardId: request.methodReference }, options),
  );
  if (found.card?.customerId !== request.customerReference)
    throw new GatewayError('invalid_request', {
      param: 'methodReference',
      detail: `${request.methodReference} is not saved for ${request.customerReference}`,
    });
  await call((square, options) => square.cards.disable({ cardId: request.methodReference }, options));
}

export async function deleteSquareCustomer(call: SquareCall, customerReference: string): Promise<void> {
  await call((square, options) => square.customers.delete({ customerId: customerReference }, options));
}

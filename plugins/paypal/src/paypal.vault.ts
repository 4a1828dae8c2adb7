// Saved cards on PayPal: the vault (v3). PayPal keeps no customer object of its own; the vault
// groups payment tokens under a customer id the merchant chooses, so "creating" a customer only
// settles that id, and erasing one deletes every payment token filed under it.
import type { CardPaymentTokenEntity, PaymentTokenResponse } from '@paypal/paypal-server-sdk';
import { paypalSdk } from './paypal.sdk';
import {
  GatewayError,
  type CardDetails,
  type SavedMethod,
  type SaveMethodRequest,
  type VaultCustomer,
  type VaultCustomerRequest,
  type VaultMethodRequest,
} from '@payrail/plugin-sdk';
import type { PayPalCall } from './paypal.client';

/** A vault customer id: PayPal's pattern is [0-9a-zA-Z_-], at most 22 characters. */
export function vaultCustomerId(request: VaultCustomerRequest): VaultCustomer {
  const id = request.customerId.replace(/[^0-9a-zA-Z_-]/g, '').slice(0, 22);
  if (!id)
    throw new GatewayError('invalid_request', {
      param: 'customerId',
      detail: 'the customer id has no usable characters',
    });
  return { reference: id };
}

function savedOf(token: PaymentTokenResponse): SavedMethod {
  const card: CardPaymentTokenEntity | undefined = token.paymentSource?.card;
  const [year, month] = (card?.expiry ?? '').split('-').map(Number);
  return {
    reference: token.id ?? '',
    status: 'ready',
    card: {
      brand: card?.brand?.toLowerCase(),
      last4: card?.lastDigits,
      ...(month ? { expMonth: month, expYear: year } : {}),
    },
  };
}

/** A setup token holds the card; turning it into a payment token vaults it under the customer. */
export async function savePayPalCard(
  call: PayPalCall,
  request: SaveMethodRequest,
  card: CardDetails | undefined,
  requestId: (key: string, step?: string) => string,
): Promise<SavedMethod> {
  const vault = new (paypalSdk().VaultController)(call.client);
  let setupTokenId: string;
  if (card) {
    const { result } = await vault.createSetupToken({
      body: {
        customer: { id: request.customerReference },
        paymentSource: {
          card: {
            number: card.number.replace(/[\s-]/g, ''),
            expiry: `${card.expYear}-${String(card.expMonth).padStart(2, '0')}`,
            ...(card.cvc ? { securityCode: card.cvc } : {}),
            ...(card.name ? { name: card.name } : {}),
          },
        },
      },
      paypalRequestId: requestId(request.idempotencyKey, 'setup'),
    });
    setupTokenId = result.id ?? '';
  } else if ('token' in request.method) {
    setupTokenId = request.method.token;
  } else {
    throw new GatewayError('invalid_request', {
      param: 'payment_method',
      detail: 'a card or a setup token is needed',
    });
  }
  const { result } = await vault.createPaymentToken({
    body: {
      customer: { id: request.customerReference },
      paymentSource: { token: { id: setupTokenId, type: paypalSdk().VaultTokenRequestType.SetupToken } },
    },
    paypalRequestId: requestId(request.idempotencyKey, 'vault'),
  });
  return savedOf(result);
}

export async function listPayPalCards(call: PayPalCall, customerReference: string): Promise<SavedMethod[]> {
  const { result } = await new (paypalSdk().VaultController)(call.client).listCustomerPaymentTokens({
    customerId: customerReference,
  });
  return (result.paymentTokens ?? []).filter((t) => t.paymentSource?.card).map(savedOf);
}

export async function deletePayPalCard(call: PayPalCall, request: VaultMethodRequest): Promise<void> {
  const vault = new (paypalSdk().VaultController)(call.client);
  const { result } = await vault.getPaymentToken(request.methodReference);
  if (result.customer?.id !== request.customerReference)
    throw new GatewayError('invalid_request', {
      param: 'methodReference',
      detail: `${request.methodReference} is not saved for ${request.customerReference}`,
    });
  await vault.deletePaymentToken(request.methodReference);
}

export async function erasePayPalCustomer(call: PayPalCall, customerReference: string): Promise<void> {
  const vault = new (paypalSdk().VaultController)(call.client);
  for (const saved of await listPayPalCards(call, customerReference))
    await vault.deletePaymentToken(saved.reference);
}

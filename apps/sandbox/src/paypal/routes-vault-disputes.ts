// The PayPal sandbox's routes for the vault (v3) and the disputes API (v1).
import type { Route } from './sandbox-types';
import type { paypalDisputes } from './disputes-api';
import type { paypalVault } from './vault-api';

const id = '([A-Za-z0-9-]+)';

export function vaultAndDisputeRoutes(
  vault: ReturnType<typeof paypalVault>,
  disputes: ReturnType<typeof paypalDisputes>,
): Route[] {
  return [
    {
      method: 'POST',
      pattern: /^\/v3\/vault\/setup-tokens$/,
      operation: 'vault.setup-tokens.create',
      idempotent: 'replay-same',
      handler: vault.createSetupToken,
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v3/vault/setup-tokens/${id}$`),
      operation: 'vault.setup-tokens.get',
      handler: vault.getSetupToken,
    },
    {
      method: 'POST',
      pattern: /^\/v3\/vault\/payment-tokens$/,
      operation: 'vault.payment-tokens.create',
      idempotent: 'replay-same',
      handler: vault.createPaymentToken,
    },
    {
      method: 'GET',
      pattern: /^\/v3\/vault\/payment-tokens$/,
      operation: 'vault.payment-tokens.list',
      handler: vault.listPaymentTokens,
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v3/vault/payment-tokens/${id}$`),
      operation: 'vault.payment-tokens.get',
      handler: vault.getPaymentToken,
    },
    {
      method: 'DELETE',
      pattern: new RegExp(`^/v3/vault/payment-tokens/${id}$`),
      operation: 'vault.payment-tokens.delete',
      handler: vault.deletePaymentToken,
    },
    {
      method: 'GET',
      pattern: /^\/v1\/customer\/disputes$/,
      operation: 'disputes.list',
      handler: disputes.list,
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v1/customer/disputes/${id}$`),
      operation: 'disputes.get',
      handler: disputes.get,
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/v1/customer/disputes/${id}/provide-evidence$`),
      operation: 'disputes.provide-evidence',
      multipart: true,
      handler: disputes.provideEvidence,
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/v1/customer/disputes/${id}/accept-claim$`),
      operation: 'disputes.accept-claim',
      multipart: true,
      handler: disputes.acceptClaim,
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/v1/customer/disputes/${id}/adjudicate$`),
      operation: 'disputes.adjudicate',
      handler: disputes.adjudicate,
    },
  ];
}

import type { ConnectionResource, PluginResource } from '@payrail/api-contract';
import type { GatewayDescriptor, PaymentGateway } from '@payrail/plugin-sdk';
import type { GatewayConnectionRecord } from './gateway-connection.entity';

/** A connection as the admin API shows it: public values and masked hints, never a secret. */
export function presentConnection(record: GatewayConnectionRecord): ConnectionResource {
  const check = record.credentialCheck;
  return {
    id: record.id,
    object: 'connection',
    merchant_id: record.merchantId,
    gateway: record.gateway,
    mode: record.mode,
    name: record.name,
    enabled: record.enabled,
    is_default: record.isDefault,
    base_url: record.baseUrl,
    values: { ...record.publicValues },
    secret_hints: { ...record.secretHints },
    credential_check: check
      ? {
          valid: check.valid,
          mode: check.mode,
          account: check.account ? { id: check.account.id, name: check.account.name ?? null } : null,
          permissions: check.permissions ?? null,
          problems: check.problems,
          checked_at: check.checkedAt,
        }
      : null,
    created_at: record.createdAt.toISOString(),
    updated_at: record.updatedAt.toISOString(),
  };
}

export function presentPlugin(gateway: PaymentGateway, descriptor?: GatewayDescriptor): PluginResource {
  const c = gateway.capabilities;
  return {
    object: 'plugin',
    code: gateway.code,
    display_name: gateway.displayName,
    version: gateway.version,
    sdk: descriptor?.sdk ? { package: descriptor.sdk.package, version: descriptor.sdk.version } : null,
    api_version: descriptor
      ? { value: descriptor.apiVersion.value, header: descriptor.apiVersion.header ?? null }
      : null,
    fields: gateway.fields.map((f) => ({
      key: f.key,
      label: f.label,
      secret: f.secret,
      required: f.required,
      description: f.description ?? null,
      pattern: f.pattern ?? null,
      placeholder: f.placeholder ?? null,
    })),
    capabilities: {
      partial_capture: c.partialCapture,
      multiple_captures: c.multipleCaptures,
      partial_refund: c.partialRefund,
      void: c.void,
      three_d_secure: c.threeDSecure,
      tokenization: c.tokenization,
      webhooks: c.webhooks,
      settlement_reports: c.settlementReports,
      currencies: c.currencies === '*' ? '*' : [...c.currencies],
    },
  };
}

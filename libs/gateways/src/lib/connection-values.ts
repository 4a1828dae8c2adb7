import type { ConnectionMode, PaymentGateway } from '@payrail/plugin-sdk';
import { secretHint, type SecretBox, type SecretResolver } from '@payrail/secrets';
import { ConnectionError } from './connection.errors';
import type { GatewayConnectionRecord } from './gateway-connection.entity';

const MODE_MARK = /^[a-z]{2,6}_(test|live)_/i;

/** Checks values against the plugin's fields, then keeps public ones in the clear and seals the secret ones. */
export function applyValues(
  record: GatewayConnectionRecord,
  gateway: PaymentGateway,
  values: Record<string, string>,
  secrets: { resolver: SecretResolver; box: SecretBox },
): void {
  if (!values || typeof values !== 'object' || Array.isArray(values))
    throw new ConnectionError('values', 'values must be an object of field values');
  const publicValues: Record<string, string> = {};
  const secretValues: Record<string, string> = {};
  const hints: Record<string, string> = {};
  for (const key of Object.keys(values)) {
    if (!gateway.fields.some((f) => f.key === key))
      throw new ConnectionError(`values.${key}`, `'${key}' is not a ${gateway.code} connection field`);
  }
  for (const field of gateway.fields) {
    const value = values[field.key];
    const param = `values.${field.key}`;
    if (value === undefined || value === null || value === '') {
      if (field.required) throw new ConnectionError(param, `${field.label} is required`);
      continue;
    }
    if (typeof value !== 'string') throw new ConnectionError(param, `${field.label} must be a string`);
    const reference = secrets.resolver.isReference(value);
    if (reference) {
      try {
        secrets.resolver.validate(value);
      } catch (error) {
        throw new ConnectionError(param, (error as Error).message);
      }
    } else {
      if (field.pattern && !new RegExp(field.pattern).test(value)) {
        throw new ConnectionError(
          param,
          `${field.label} does not look right (expected to match ${field.pattern})`,
        );
      }
      const marked = MODE_MARK.exec(value)?.[1]?.toLowerCase();
      if (marked && marked !== record.mode) {
        throw new ConnectionError(
          param,
          `${field.label} is a ${marked} value, but this is a ${record.mode} connection`,
        );
      }
    }
    if (field.secret) {
      secretValues[field.key] = value;
      hints[field.key] = reference ? value : secretHint(value);
    } else {
      publicValues[field.key] = value;
    }
  }
  record.publicValues = publicValues;
  record.secretValues = secrets.box.seal(JSON.stringify(secretValues));
  record.secretHints = hints;
}

export function validName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (typeof name !== 'string' || !name.trim() || name.length > 200)
    throw new ConnectionError('name', 'name must be 1 to 200 characters');
  return name.trim();
}

export function validBaseUrl(mode: ConnectionMode, baseUrl: string | null | undefined): string | null {
  if (baseUrl === undefined || baseUrl === null || baseUrl === '') return null;
  if (mode === 'live')
    throw new ConnectionError(
      'base_url',
      "a live connection talks to the gateway's own host: base_url must be empty",
    );
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConnectionError(
      'base_url',
      'base_url must be an absolute http(s) URL, such as http://127.0.0.1:12111',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConnectionError('base_url', 'base_url must be an http or https URL');
  if (url.username || url.password)
    throw new ConnectionError('base_url', 'base_url must not carry credentials');
  return baseUrl.replace(/\/+$/, '');
}

/** What the trail keeps of a connection: never a secret value, only hints and public values. */
export function auditView(record: GatewayConnectionRecord) {
  return {
    gateway: record.gateway,
    mode: record.mode,
    name: record.name,
    enabled: record.enabled,
    isDefault: record.isDefault,
    baseUrl: record.baseUrl,
    publicValues: { ...record.publicValues },
    // As a list: keyed by field name, the redactor would take a hint for a secret and mask it again.
    secretHints: Object.entries(record.secretHints).map(([field, hint]) => ({ field, hint })),
    credentialCheck: record.credentialCheck
      ? {
          valid: record.credentialCheck.valid,
          mode: record.credentialCheck.mode,
          problems: record.credentialCheck.problems,
        }
      : null,
  };
}

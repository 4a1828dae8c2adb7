/** Wire types of the admin API for gateway plugins and connections (snake_case). */

export type ConnectionModeValue = 'test' | 'live';

/** One credential or setting a plugin asks for; the console draws its form from these. */
export interface PluginFieldResource {
  key: string;
  label: string;
  /** Secret fields are write-only: never returned, shown as `secret_hints`. */
  secret: boolean;
  required: boolean;
  description: string | null;
  pattern: string | null;
  placeholder: string | null;
}

export interface PluginCapabilitiesResource {
  partial_capture: boolean;
  multiple_captures: boolean;
  partial_refund: boolean;
  void: boolean;
  three_d_secure: boolean;
  tokenization: boolean;
  webhooks: boolean;
  settlement_reports: boolean;
  /** ISO 4217 codes, or `*` for every currency. */
  currencies: string[] | '*';
}

export interface PluginResource {
  object: 'plugin';
  code: string;
  display_name: string;
  /** The plugin's own version. */
  version: string;
  /** The official gateway SDK the plugin is built on; null for a plugin without a descriptor. */
  sdk: { package: string; version: string } | null;
  /** The gateway API version the plugin speaks, and the request header that carries it (null: in the path). */
  api_version: { value: string; header: string | null } | null;
  fields: PluginFieldResource[];
  capabilities: PluginCapabilitiesResource;
}

/** The plugin's verdict on a connection's credentials, from its last check. */
export interface CredentialCheckResource {
  valid: boolean;
  /** The mode the credentials belong to. */
  mode: ConnectionModeValue;
  account: { id: string; name: string | null } | null;
  permissions: string[] | null;
  problems: string[];
  checked_at: string;
}

export interface ConnectionResource {
  id: string;
  object: 'connection';
  merchant_id: string;
  gateway: string;
  mode: ConnectionModeValue;
  name: string;
  enabled: boolean;
  is_default: boolean;
  /** A test connection's sandbox URL; always null for live connections. */
  base_url: string | null;
  /** Values of the plugin's public fields. */
  values: Record<string, string>;
  /** Masked hints of the secret fields (`****1234`), or the `env:NAME` reference a value comes from. */
  secret_hints: Record<string, string>;
  credential_check: CredentialCheckResource | null;
  created_at: string;
  updated_at: string;
}

/**
 * `POST /admin/connections`. `values` holds every field of the plugin by key; a value may be a
 * reference `env:NAME`, read from the API's environment each time the connection is used.
 */
export interface CreateConnectionRequest {
  merchant_id: string;
  gateway: string;
  mode: ConnectionModeValue;
  name?: string;
  values: Record<string, string>;
  /** Test connections only: where the gateway's sandbox listens. */
  base_url?: string | null;
  is_default?: boolean;
}

/** `PATCH /admin/connections/{id}`: only what is sent changes; `values` merge into the stored ones. */
export interface UpdateConnectionRequest {
  name?: string;
  values?: Record<string, string>;
  base_url?: string | null;
  is_default?: boolean;
  enabled?: boolean;
}

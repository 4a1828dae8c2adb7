import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readVendoredSpec } from '../kit/specs';
import type { RecordedExchange } from './stripe-sandbox';

/**
 * Where the sandbox knowingly differs from the 2023-08-16 spec snapshot because Stripe's API
 * moved on (the SDK pins 2026-10-28). Listed here, and only here, so every deviation is
 * deliberate. Each entry is "<schema instance path>: <why>".
 */
export const STRIPE_SPEC_ALLOWANCES: Readonly<Record<string, string>> = {};

type Schema = Record<string, unknown>;

export interface StripeOpenApiValidator {
  /** Problems with one exchange, empty when its body matches the spec's schema for that path, method and status. */
  validate(exchange: RecordedExchange): string[];
  /** Problems with one object against a component schema (`payment_intent`, `event`…). */
  validateObject(schemaName: string, value: unknown): string[];
}

/** OpenAPI 3.0 `nullable` is not JSON Schema: turn `{…, nullable: true}` into `anyOf [{…}, null]`. */
function withoutNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutNullable);
  if (!node || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) if (k !== 'nullable') out[k] = withoutNullable(v);
  return (node as Schema)['nullable'] === true ? { anyOf: [out, { type: 'null' }] } : out;
}

/** Loads and compiles the vendored Stripe OpenAPI spec (`apps/sandbox/specs/stripe/spec3.yaml`); slow, so once per test file. */
export function loadStripeOpenApi(): StripeOpenApiValidator {
  const spec = readVendoredSpec<{
    paths: Record<
      string,
      Record<string, { responses: Record<string, { content?: Record<string, { schema?: Schema }> }> }>
    >;
    components: Schema;
  }>('stripe', 'spec3.yaml');
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  ajv.addFormat('unix-time', true);
  ajv.addFormat('decimal', true);
  ajv.addSchema({ $id: 'stripe.json', components: withoutNullable(spec.components) });
  const compiled = new Map<string, ValidateFunction>();

  const report = (label: string, validate: ValidateFunction): string[] =>
    (validate.errors ?? [])
      .filter((e) => !STRIPE_SPEC_ALLOWANCES[e.instancePath])
      .map((e) => `${label}: ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);

  return {
    validateObject(schemaName, value) {
      let validate = compiled.get(schemaName);
      if (!validate) {
        validate = ajv.compile({ $ref: `stripe.json#/components/schemas/${schemaName}` });
        compiled.set(schemaName, validate);
      }
      return validate(value) ? [] : report(schemaName, validate);
    },
    validate(exchange) {
      if (!exchange.route) return [`${exchange.method} ${exchange.path}: no spec path matched`];
      const operation = spec.paths[exchange.route]?.[exchange.method.toLowerCase()];
      if (!operation) return [`${exchange.method} ${exchange.route} is not in the spec`];
      const status = String(exchange.status);
      const response = operation.responses[status] ?? operation.responses['default'];
      const schema = response?.content?.['application/json']?.schema;
      if (!schema)
        return [`${exchange.method} ${exchange.route} ${status}: the spec has no JSON schema for it`];
      const cacheKey = `${exchange.method} ${exchange.route} ${operation.responses[status] ? status : 'default'}`;
      let validate = compiled.get(cacheKey);
      if (!validate) {
        const rooted = JSON.parse(
          JSON.stringify(withoutNullable(schema)).replace(/"#\/components\//g, '"stripe.json#/components/'),
        );
        validate = ajv.compile(rooted);
        compiled.set(cacheKey, validate);
      }
      return validate(exchange.body) ? [] : report(cacheKey, validate);
    },
  };
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { vendoredSpecDir } from '../kit/workspace';
import type { RecordedExchange } from './paypal-sandbox';

const SPEC_FILES = [
  'checkout_orders_v2.json',
  'payments_payment_v2.json',
  'notifications_webhooks_v1.json',
  'reporting_transactions_v1.json',
  'vault_payment_tokens_v3.json',
  'customer_disputes_v1.json',
];

/**
 * Fields the sandbox returns that are newer than the stored 2024 specs (the SDK's models
 * have them), as `path method status -> [json pointers]`. Kept in this one place.
 */
export const PAYPAL_FIELDS_NEWER_THAN_SPEC: readonly string[] = [];

/** Paths with no OpenAPI description in the stored specs: OAuth and the certificate download. */
const UNDESCRIBED = [/^\/v1\/oauth2\/token$/, /^\/v1\/notifications\/certs\//, /^\/checkoutnow$/];

interface Operation {
  pattern: RegExp;
  template: string;
  method: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }>; $ref?: string }>;
  specId: string;
}

export interface SpecViolation {
  method: string;
  path: string;
  status: number;
  errors: string[];
}

/**
 * Checks PayPal responses against the official OpenAPI files vendored in `apps/sandbox/specs/paypal`.
 * Load once per test file: the files are large.
 */
export class PayPalSpecValidator {
  private readonly ajv: Ajv;
  private readonly operations: Operation[] = [];
  private readonly compiled = new Map<string, ValidateFunction | null>();
  private readonly specs = new Map<string, { components?: { responses?: Record<string, unknown> } }>();

  constructor(specDir = vendoredSpecDir('paypal')) {
    this.ajv = new Ajv({ strict: false, allErrors: true, logger: false, unicodeRegExp: false });
    addFormats(this.ajv);
    for (const file of SPEC_FILES) {
      const spec = JSON.parse(readFileSync(join(specDir, file), 'utf8')) as {
        paths: Record<string, Record<string, { responses?: Operation['responses'] }>>;
        components?: { responses?: Record<string, unknown> };
      };
      this.specs.set(file, spec);
      this.ajv.addSchema({ components: spec.components ?? {} }, file);
      for (const [template, methods] of Object.entries(spec.paths)) {
        const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
        for (const [method, op] of Object.entries(methods)) {
          if (!op?.responses) continue;
          this.operations.push({
            pattern,
            template,
            method: method.toUpperCase(),
            responses: op.responses,
            specId: file,
          });
        }
      }
    }
  }

  /** Errors for one response, or [] when it matches (or the spec does not describe it). */
  validate(exchange: RecordedExchange): string[] {
    if (UNDESCRIBED.some((p) => p.test(exchange.path))) return [];
    const op = this.operations.find((o) => o.method === exchange.method && o.pattern.test(exchange.path));
    if (!op) return [`no operation ${exchange.method} ${exchange.path} in the PayPal specs`];
    let response = op.responses[String(exchange.status)] ?? op.responses['default'];
    if (!response)
      return [`status ${exchange.status} is not documented for ${exchange.method} ${op.template}`];
    if (response.$ref) {
      const name = response.$ref.split('/').pop() ?? '';
      response = (this.specs.get(op.specId)?.components?.responses?.[name] ?? {}) as typeof response;
    }
    const schema = response.content?.['application/json']?.schema;
    if (!schema) return exchange.body === undefined || exchange.body === '' ? [] : [];
    const key = `${op.specId} ${op.method} ${op.template} ${exchange.status}`;
    let validate = this.compiled.get(key);
    if (validate === undefined) {
      const rewritten = JSON.parse(
        JSON.stringify(schema).replace(/"#\/components\//g, `"${op.specId}#/components/`),
      );
      validate = this.ajv.compile(rewritten);
      this.compiled.set(key, validate);
    }
    if (!validate) return [];
    if (validate(exchange.body)) return [];
    return (validate.errors ?? [])
      .filter(
        (e) =>
          !PAYPAL_FIELDS_NEWER_THAN_SPEC.includes(
            `${op.method} ${op.template} ${exchange.status} ${e.instancePath}`,
          ),
      )
      .map((e) =>
        `${e.instancePath || '/'} ${e.message ?? ''} ${e.params ? JSON.stringify(e.params) : ''}`.trim(),
      );
  }

  /** Every exchange that does not match its schema. */
  violations(exchanges: readonly RecordedExchange[]): SpecViolation[] {
    const out: SpecViolation[] = [];
    for (const exchange of exchanges) {
      const errors = this.validate(exchange);
      if (errors.length)
        out.push({ method: exchange.method, path: exchange.path, status: exchange.status, errors });
    }
    return out;
  }
}

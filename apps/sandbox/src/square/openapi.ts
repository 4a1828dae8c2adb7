import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readVendoredSpec } from '../kit/specs';

/**
 * Checks Square responses against the official OpenAPI document vendored in `apps/sandbox/specs/square`.
 * The document declares one response schema per operation (status 200) and Square answers
 * errors with the same response type (every one carries `errors[]`), so error statuses are
 * checked against it too.
 */
export interface SquareOpenApi {
  /** Problems with one response, empty when it conforms; throws for a path the spec lacks. */
  validate(method: string, path: string, status: number, body: unknown): string[];
}

/** Values newer than the stored spec (release 2025-08-20) that the SDK (Square-Version 2026-09-16) knows. */
export const NEWER_THAN_SPEC = {
  errorCodes: ['AMOUNT_TOO_LOW', 'PARTIAL_PAYMENT_DELAY_CAPTURE_NOT_SUPPORTED'],
};

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { responses?: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
  components: { schemas: Record<string, Record<string, unknown>> };
}

/** OpenAPI 3.0 puts `nullable` beside `$ref`; JSON Schema (ajv) needs it spelled as "this, or null". */
function allowNullRefs<T>(node: T): T {
  if (Array.isArray(node)) return node.map(allowNullRefs) as T;
  if (!node || typeof node !== 'object') return node;
  const object = node as Record<string, unknown>;
  if (object['nullable'] === true && object['type'] === undefined) {
    if (typeof object['$ref'] === 'string')
      return { anyOf: [{ $ref: object['$ref'] }, { type: 'null' }] } as T;
    const { nullable: _nullable, ...rest } = object;
    return allowNullRefs(rest) as T;
  }
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, allowNullRefs(v)])) as T;
}

let loaded: SquareOpenApi | undefined;

/** Loads and compiles the 3 MB document once per process (per jest test file). */
export function loadSquareOpenApi(): SquareOpenApi {
  if (loaded) return loaded;
  const document = readVendoredSpec<OpenApiDocument>('square', 'api.json');
  const errorCode = document.components.schemas['ErrorCode'] as { enum: string[] };
  errorCode.enum = [...errorCode.enum, ...NEWER_THAN_SPEC.errorCodes];
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'square.json', components: allowNullRefs(document.components) });
  const compiled = new Map<string, ValidateFunction>();
  const schemaFor = (ref: string) => {
    let fn = compiled.get(ref);
    if (!fn) {
      fn = ajv.compile({ $ref: `square.json${ref}` });
      compiled.set(ref, fn);
    }
    return fn;
  };
  const templates = Object.keys(document.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    literals: template.split('/').filter((s) => s && !s.startsWith('{')).length,
  }));

  loaded = {
    validate(method, path, status, body) {
      const verb = method.toLowerCase();
      const candidates = templates
        .filter((t) => t.pattern.test(path) && document.paths[t.template][verb])
        .sort((a, b) => b.literals - a.literals);
      const match = candidates[0];
      if (!match) throw new Error(`the Square spec has no operation ${method} ${path}`);
      const responses = document.paths[match.template][verb].responses ?? {};
      const response = responses[String(status)] ?? responses['default'] ?? responses['200'];
      const schema = response?.content?.['application/json']?.schema as { $ref?: string } | undefined;
      if (!schema?.$ref)
        throw new Error(`the Square spec has no response schema for ${method} ${match.template}`);
      const problems: string[] = [];
      const validate = schemaFor(schema.$ref);
      if (!validate(body))
        for (const e of validate.errors ?? [])
          problems.push(
            `${method} ${match.template} ${status}: ${e.instancePath || '/'} ${e.message} (${e.schemaPath})`,
          );
      if (status >= 400) {
        const errors = (body as { errors?: unknown[] }).errors;
        if (!Array.isArray(errors) || errors.length === 0)
          problems.push(`${method} ${match.template} ${status}: an error status without errors[]`);
      }
      return problems;
    },
  };
  return loaded;
}

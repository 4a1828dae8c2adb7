import { parameterInvalid, parameterMissing, parameterUnknown } from './errors';

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

const KEY = /^([^[\]]+)((?:\[[^[\]]*\])*)$/;

/**
 * Parses Stripe's form encoding: bracket notation for nested keys (`metadata[order]=1`,
 * `expand[0]=latest_charge`, `types[]=a`). Used for POST bodies and GET query strings alike.
 */
export function parseForm(text: string): FormObject {
  const root: FormObject = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const match = KEY.exec(rawKey);
    if (!match) throw parameterInvalid(rawKey, `Invalid parameter name: ${rawKey}`);
    const path = [match[1], ...[...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1])];
    let node: FormObject = root;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i] === '' ? String(Object.keys(node).length) : path[i];
      if (i === path.length - 1) {
        node[segment] = value;
      } else {
        const next = node[segment];
        if (typeof next === 'string' || Array.isArray(next)) {
          throw parameterInvalid(path.slice(0, i + 1).join('.'), `Invalid parameter: ${rawKey}`);
        }
        node[segment] = next ?? {};
        node = node[segment] as FormObject;
      }
    }
  }
  return arrayify(root) as FormObject;
}

function arrayify(value: FormValue): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const entries = keys.map((k) => [k, arrayify(value[k])] as const);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return entries.sort((a, b) => Number(a[0]) - Number(b[0])).map(([, v]) => v);
  }
  return Object.fromEntries(entries);
}

/** Typed, named access to one request's parameters; every refusal names the parameter. */
export class Params {
  constructor(
    readonly raw: FormObject,
    private readonly prefix = '',
  ) {}

  /** Refuses any parameter the endpoint does not take. `expand` (and, at the top, `include`) is always allowed. */
  only(...allowed: string[]): this {
    for (const key of Object.keys(this.raw)) {
      const always = key === 'expand' || (key === 'include' && !this.prefix);
      if (!always && !allowed.includes(key)) throw parameterUnknown(this.name(key));
    }
    return this;
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined;
  }

  string(key: string): string | undefined {
    const value = this.raw[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string')
      throw parameterInvalid(this.name(key), `Invalid string: ${this.name(key)}`);
    return value;
  }

  requiredString(key: string): string {
    const value = this.string(key);
    if (value === undefined || value === '') throw parameterMissing(this.name(key));
    return value;
  }

  integer(key: string): number | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
      throw parameterInvalid(this.name(key), `Invalid integer: ${value}`, 'parameter_invalid_integer');
    }
    return Number(value);
  }

  requiredInteger(key: string): number {
    const value = this.integer(key);
    if (value === undefined) throw parameterMissing(this.name(key));
    return value;
  }

  boolean(key: string): boolean | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    if (value !== 'true' && value !== 'false') {
      throw parameterInvalid(this.name(key), `Invalid boolean: ${value}`);
    }
    return value === 'true';
  }

  oneOf<T extends string>(key: string, values: readonly T[]): T | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    if (!(values as readonly string[]).includes(value)) {
      throw parameterInvalid(
        this.name(key),
        `Invalid ${this.name(key)}: must be one of ${values.join(', ')}`,
        'parameter_invalid_string',
      );
    }
    return value as T;
  }

  strings(key: string): string[] | undefined {
    const value = this.raw[key];
    if (value === undefined) return undefined;
    const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
    if (!list || list.some((v) => typeof v !== 'string')) {
      throw parameterInvalid(this.name(key), `Invalid array: ${this.name(key)}`);
    }
    return list as string[];
  }

  object(key: string): Params | undefined {
    const value = this.raw[key];
    if (value === undefined) return undefined;
    if (typeof value === 'string' && value === '') return new Params({}, this.name(key));
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw parameterInvalid(this.name(key), `Invalid object: ${this.name(key)}`);
    }
    return new Params(value, this.name(key));
  }

  /** `metadata[...]`: string values only, at most 50 keys of 40 characters, values of 500. */
  metadata(key = 'metadata'): Record<string, string> | undefined {
    const value = this.object(key);
    if (!value) return undefined;
    const entries = Object.entries(value.raw);
    if (entries.length > 50) throw parameterInvalid(this.name(key), 'Metadata can have at most 50 keys.');
    for (const [k, v] of entries) {
      if (typeof v !== 'string') throw parameterInvalid(`${this.name(key)}[${k}]`, `Invalid string: ${k}`);
      if (k.length > 40)
        throw parameterInvalid(`${this.name(key)}[${k}]`, 'Metadata keys can be at most 40 characters.');
      if (v.length > 500)
        throw parameterInvalid(`${this.name(key)}[${k}]`, 'Metadata values can be at most 500 characters.');
    }
    return Object.fromEntries(entries) as Record<string, string>;
  }

  private name(key: string): string {
    return this.prefix ? `${this.prefix}[${key}]` : key;
  }
}

/**
 * Where a credential can live instead of being stored sealed: a reference such as
 * `env:STRIPE_SECRET_KEY`, resolved each time the credential is used. Each scheme is served by a
 * `SecretsProvider`; a secrets manager is added by writing one (see README.md).
 */
export interface SecretsProvider {
  /** The scheme before the colon, e.g. `env` for `env:NAME`: lowercase letters, digits, `-`. */
  readonly scheme: string;
  /** Throws `SecretReferenceError` for a name this provider could never resolve. Called when a reference is saved. */
  validate(name: string): void;
  /** The current value. Throws `SecretReferenceError` naming the reference (never a value) when it cannot. */
  resolve(name: string): Promise<string>;
  /** Connects or warms a cache, once at start-up. */
  init?(): Promise<void>;
  /** Closes connections and wipes cached values at shut-down. */
  destroy?(): Promise<void>;
}

export class SecretReferenceError extends Error {
  constructor(
    /** The reference as written (`env:NAME`); a reference is not itself secret. */
    readonly reference: string,
    message: string,
  ) {
    super(message);
    this.name = 'SecretReferenceError';
  }
}

export interface SecretReference {
  scheme: string;
  name: string;
}

const SCHEME = /^[a-z][a-z0-9-]{0,31}$/;
const REFERENCE = /^([a-z][a-z0-9-]{0,31}):(.+)$/;

/** Splits `scheme:name`; null for anything else. Whether it is a reference depends on the providers registered. */
export function parseSecretReference(value: string): SecretReference | null {
  const match = REFERENCE.exec(value);
  return match ? { scheme: match[1], name: match[2] } : null;
}

/** `env:NAME`: the value of an environment variable of the API process, read at each use. */
export class EnvSecretsProvider implements SecretsProvider {
  readonly scheme = 'env';

  constructor(private readonly env: Record<string, string | undefined> = process.env) {}

  validate(name: string): void {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,254}$/.test(name)) {
      throw new SecretReferenceError(
        `env:${name}`,
        `env:${name} does not name an environment variable (letters, digits and _, not starting with a digit)`,
      );
    }
  }

  async resolve(name: string): Promise<string> {
    this.validate(name);
    const value = this.env[name];
    if (value === undefined || value === '') {
      throw new SecretReferenceError(
        `env:${name}`,
        `environment variable ${name} (from env:${name}) is not set`,
      );
    }
    return value;
  }
}

/**
 * Resolves credential values: a reference whose scheme has a provider goes to that provider;
 * anything else is a literal value and comes back unchanged.
 */
export class SecretResolver {
  private readonly providers = new Map<string, SecretsProvider>();

  constructor(providers: SecretsProvider[] = [new EnvSecretsProvider()]) {
    for (const provider of providers) {
      if (!SCHEME.test(provider.scheme)) {
        throw new Error(
          `secrets provider scheme '${provider.scheme}' must be lowercase letters, digits and -`,
        );
      }
      if (this.providers.has(provider.scheme)) {
        throw new Error(`two secrets providers serve the '${provider.scheme}' scheme`);
      }
      this.providers.set(provider.scheme, provider);
    }
  }

  get schemes(): string[] {
    return [...this.providers.keys()];
  }

  /** The reference in `value`, if its scheme has a provider. */
  referenceIn(value: string): SecretReference | null {
    const reference = parseSecretReference(value);
    return reference && this.providers.has(reference.scheme) ? reference : null;
  }

  isReference(value: string): boolean {
    return this.referenceIn(value) !== null;
  }

  /** Checks a reference when a connection is saved, so a typo fails then, not at the first payment. */
  validate(value: string): void {
    const reference = this.referenceIn(value);
    if (reference) this.providers.get(reference.scheme)?.validate(reference.name);
  }

  async resolve(value: string): Promise<string> {
    const reference = this.referenceIn(value);
    if (!reference) return value;
    return (this.providers.get(reference.scheme) as SecretsProvider).resolve(reference.name);
  }

  /** Resolves every value of a credential set; literal values pass through. */
  async resolveValues(values: Readonly<Record<string, string>>): Promise<Record<string, string>> {
    const entries = await Promise.all(
      Object.entries(values).map(async ([key, v]) => [key, await this.resolve(v)]),
    );
    return Object.fromEntries(entries);
  }

  async init(): Promise<void> {
    for (const provider of this.providers.values()) await provider.init?.();
  }

  async destroy(): Promise<void> {
    for (const provider of this.providers.values()) await provider.destroy?.();
  }
}

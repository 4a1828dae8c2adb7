import {
  EnvSecretsProvider,
  parseSecretReference,
  SecretReferenceError,
  SecretResolver,
  type SecretsProvider,
} from './secret-references';

/** What a secrets-manager provider looks like: async, with a lifecycle. */
class InMemoryVaultProvider implements SecretsProvider {
  readonly scheme = 'vault';
  readonly store = new Map<string, string>();
  started = false;

  validate(name: string): void {
    if (!/^[a-z0-9/_-]+#[a-z_]+$/i.test(name)) {
      throw new SecretReferenceError(`vault:${name}`, `vault:${name} must be written path#field`);
    }
  }

  async init(): Promise<void> {
    this.started = true;
  }

  async destroy(): Promise<void> {
    this.store.clear();
    this.started = false;
  }

  async resolve(name: string): Promise<string> {
    const value = this.store.get(name);
    if (value === undefined)
      throw new SecretReferenceError(`vault:${name}`, `vault has no secret at ${name}`);
    return value;
  }
}

describe('secret references', () => {
  it('parses scheme:name', () => {
    expect(parseSecretReference('env:STRIPE_SECRET_KEY')).toEqual({
      scheme: 'env',
      name: 'STRIPE_SECRET_KEY',
    });
    expect(parseSecretReference('sk_test_abc')).toBeNull();
    expect(parseSecretReference('Env:X')).toBeNull();
  });

  it('reads env:NAME at each use, so a changed variable is picked up', async () => {
    const env: Record<string, string | undefined> = { STRIPE_SECRET_KEY: 'sk_test_fromEnvironment0001' };
    const resolver = new SecretResolver([new EnvSecretsProvider(env)]);
    await expect(resolver.resolve('env:STRIPE_SECRET_KEY')).resolves.toBe('sk_test_fromEnvironment0001');
    env['STRIPE_SECRET_KEY'] = 'sk_test_fromEnvironment0002';
    await expect(resolver.resolve('env:STRIPE_SECRET_KEY')).resolves.toBe('sk_test_fromEnvironment0002');
  });

  it('passes literal values through, including ones with a colon but no provider for it', async () => {
    const resolver = new SecretResolver([new EnvSecretsProvider({})]);
    await expect(resolver.resolve('sk_test_literal000000000')).resolves.toBe('sk_test_literal000000000');
    await expect(resolver.resolve('vault:secret/stripe#key')).resolves.toBe('vault:secret/stripe#key');
    expect(resolver.isReference('vault:secret/stripe#key')).toBe(false);
    expect(resolver.isReference('env:X')).toBe(true);
  });

  it('names the missing variable, and never a value', async () => {
    const resolver = new SecretResolver([new EnvSecretsProvider({ OTHER: 'sk_test_unrelatedValue0000' })]);
    const error = await resolver.resolve('env:PAYPAL_CLIENT_SECRET').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretReferenceError);
    expect(error).toMatchObject({
      reference: 'env:PAYPAL_CLIENT_SECRET',
      message: 'environment variable PAYPAL_CLIENT_SECRET (from env:PAYPAL_CLIENT_SECRET) is not set',
    });
  });

  it('refuses a malformed reference when it is saved', () => {
    const resolver = new SecretResolver();
    expect(() => resolver.validate('env:1BAD-NAME')).toThrow(
      /env:1BAD-NAME does not name an environment variable/,
    );
    expect(() => resolver.validate('env:GOOD_NAME')).not.toThrow();
    expect(() => resolver.validate('sk_test_literal000000000')).not.toThrow();
  });

  it('takes more providers, with their lifecycle, and resolves a whole credential set', async () => {
    const vault = new InMemoryVaultProvider();
    vault.store.set('payments/stripe#secret_key', 'sk_test_fromVault0000000001');
    const resolver = new SecretResolver([
      new EnvSecretsProvider({ WEBHOOK_SECRET: 'whsec_fromEnv0000001' }),
      vault,
    ]);
    expect(resolver.schemes).toEqual(['env', 'vault']);
    await resolver.init();
    expect(vault.started).toBe(true);

    await expect(
      resolver.resolveValues({
        secretKey: 'vault:payments/stripe#secret_key',
        webhookSecret: 'env:WEBHOOK_SECRET',
        publishableKey: 'pk_test_literal',
      }),
    ).resolves.toEqual({
      secretKey: 'sk_test_fromVault0000000001',
      webhookSecret: 'whsec_fromEnv0000001',
      publishableKey: 'pk_test_literal',
    });
    expect(() => resolver.validate('vault:no-field')).toThrow('vault:no-field must be written path#field');

    await resolver.destroy();
    expect(vault.store.size).toBe(0);
  });

  it('refuses two providers for one scheme, and a bad scheme', () => {
    expect(() => new SecretResolver([new EnvSecretsProvider(), new EnvSecretsProvider()])).toThrow(
      "two secrets providers serve the 'env' scheme",
    );
    expect(
      () =>
        new SecretResolver([{ scheme: 'Bad_Scheme', validate: () => undefined, resolve: async () => '' }]),
    ).toThrow(/scheme 'Bad_Scheme' must be lowercase/);
  });
});

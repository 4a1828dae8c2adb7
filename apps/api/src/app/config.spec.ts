import { ConfigError, KNOWN_PLUGINS, loadConfig } from './config';

describe('configuration', () => {
  it('defaults to port 3000, ./data and SQLite', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.dataDir).toMatch(/data$/);
    expect(config.databaseUrl).toBeUndefined();
    // Every installed plugin is enabled unless PAYRAIL_PLUGINS narrows it.
    expect(config.plugins).toEqual([...KNOWN_PLUGINS]);
    expect(config.plugins).toEqual(expect.arrayContaining(['stripe', 'paypal', 'square']));
  });

  it.each([
    ['PORT', 'eighty', /PORT is 'eighty': expected an integer from 0 to 65535/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL .*expected a postgres:\/\/ URL/],
    ['PAYRAIL_ADMIN_EMAIL', 'not-an-email', /PAYRAIL_ADMIN_EMAIL/],
    ['PAYRAIL_ADMIN_PASSWORD', 'short', /PAYRAIL_ADMIN_PASSWORD .*at least 12 characters/],
    ['PAYRAIL_PLUGINS', 'stripe,bitcoin', /PAYRAIL_PLUGINS/],
    ['PAYRAIL_SANDBOX', 'maybe', /PAYRAIL_SANDBOX is 'maybe': expected one of on, off/],
    ['PAYRAIL_MASTER_KEY', 'c2hvcnQ=', /PAYRAIL_MASTER_KEY .*32 random bytes/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL/],
    [
      'PAYRAIL_AUDIT_RETENTION_DAYS',
      '30',
      /PAYRAIL_AUDIT_RETENTION_DAYS is '30': expected an integer from 365/,
    ],
    ['REDIS_URL', 'http://redis', /REDIS_URL .*redis:\/\//],
    ['PAYRAIL_WEBHOOK_RETRY_SCHEDULE_MS', '1m,5m', /PAYRAIL_WEBHOOK_RETRY_SCHEDULE_MS .*milliseconds/],
    ['PAYRAIL_WEBHOOK_ALLOW_HTTP_LOOPBACK', 'yes', /PAYRAIL_WEBHOOK_ALLOW_HTTP_LOOPBACK is 'yes'/],
    ['PAYRAIL_FAULT_INJECTION', 'everywhere', /PAYRAIL_FAULT_INJECTION .*after_gateway_capture/],
    ['PAYRAIL_FAULT_INJECTION_HITS', 'all', /PAYRAIL_FAULT_INJECTION_HITS .*whole number/],
    ['PAYRAIL_JOB_POLL_MS', '0', /PAYRAIL_JOB_POLL_MS/],
    ['PAYRAIL_METRICS_TOKEN', 'short', /PAYRAIL_METRICS_TOKEN is '\(hidden\)': expected 16 to 512 printable/],
    ['PAYRAIL_METRICS_TOKEN', 'a token with spaces in it', /PAYRAIL_METRICS_TOKEN .*without spaces/],
    ['PAYRAIL_TRUST_PROXY', 'loopback', /PAYRAIL_TRUST_PROXY is 'loopback': expected .*addresses or CIDRs/],
    ['PAYRAIL_TRUST_PROXY', '10.0.0.1,10.0.0.0/33', /PAYRAIL_TRUST_PROXY .*CIDRs/],
    ['PAYRAIL_TRUST_PROXY', '256.1.1.1', /PAYRAIL_TRUST_PROXY/],
    ['PAYRAIL_TRUST_PROXY', '0x7f.1', /PAYRAIL_TRUST_PROXY/],
    ['PAYRAIL_API_KEY_RATE_LIMIT', '1000', /PAYRAIL_API_KEY_RATE_LIMIT is '1000': expected off, or requests/],
    ['PAYRAIL_API_KEY_RATE_LIMIT', '0/s', /PAYRAIL_API_KEY_RATE_LIMIT/],
    ['PAYRAIL_SMTP_URL', 'mail.example.com', /PAYRAIL_SMTP_URL is 'mail.example.com': expected an smtp:\/\//],
  ])('refuses a bad %s and names it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('refuses the test-only settings in production', () => {
    const production = { NODE_ENV: 'production', PAYRAIL_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') };
    expect(() => loadConfig({ ...production, PAYRAIL_WEBHOOK_ALLOW_HTTP_LOOPBACK: 'on' })).toThrow(
      /PAYRAIL_WEBHOOK_ALLOW_HTTP_LOOPBACK .*off in production/,
    );
    expect(() => loadConfig({ ...production, PAYRAIL_FAULT_INJECTION: 'after_gateway_capture' })).toThrow(
      /PAYRAIL_FAULT_INJECTION .*unset in production/,
    );
  });

  it('never echoes a password in its message', () => {
    expect(() => loadConfig({ PAYRAIL_ADMIN_PASSWORD: 'hunter2' })).toThrow(/\(hidden\)/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://u:secretpw@h/db' })).not.toThrow(/secretpw/);
    expect(() => loadConfig({ PAYRAIL_SMTP_URL: 'smtp://u:secretpw@h?tls=off' })).toThrow(/u:\*\*\*\*@h/);
    expect(loadConfig({ PAYRAIL_SMTP_URL: 'smtp://127.0.0.1:2525' }).smtpUrl).toBe('smtp://127.0.0.1:2525');
  });

  it('trusts no proxy unless told, and reads a list of addresses and CIDRs', () => {
    expect(loadConfig({}).trustProxy).toEqual([]);
    expect(loadConfig({ PAYRAIL_TRUST_PROXY: ' 10.0.0.5, 10.1.0.0/16 ,fd00::/8,::1' }).trustProxy).toEqual([
      '10.0.0.5',
      '10.1.0.0/16',
      'fd00::/8',
      '::1',
    ]);
  });

  it('limits each API key to 60,000 requests a minute unless configured otherwise', () => {
    expect(loadConfig({}).apiKeyRateLimit).toEqual({ limit: 60000, windowMs: 60_000 });
    expect(loadConfig({ PAYRAIL_API_KEY_RATE_LIMIT: '1000/s' }).apiKeyRateLimit).toEqual({
      limit: 1000,
      windowMs: 1000,
    });
    expect(loadConfig({ PAYRAIL_API_KEY_RATE_LIMIT: '50000/1m' }).apiKeyRateLimit).toEqual({
      limit: 50000,
      windowMs: 60_000,
    });
    expect(loadConfig({ PAYRAIL_API_KEY_RATE_LIMIT: '500/10s' }).apiKeyRateLimit).toEqual({
      limit: 500,
      windowMs: 10_000,
    });
    expect(loadConfig({ PAYRAIL_API_KEY_RATE_LIMIT: 'off' }).apiKeyRateLimit).toBeNull();
  });

  it('runs every role in one process by default; api and worker split it and wait for payrail migrate', () => {
    const all = loadConfig({});
    expect([all.role, all.jobs, all.migrateAtStart]).toEqual(['all', true, true]);
    const api = loadConfig({ PAYRAIL_ROLE: 'api' });
    expect([api.role, api.jobs, api.migrateAtStart]).toEqual(['api', false, false]);
    const worker = loadConfig({ PAYRAIL_ROLE: 'worker' });
    expect([worker.role, worker.jobs, worker.migrateAtStart]).toEqual(['worker', true, false]);
    expect(loadConfig({ PAYRAIL_ROLE: 'worker', PAYRAIL_MIGRATE_AT_START: 'on' }).migrateAtStart).toBe(true);
    expect(() => loadConfig({ PAYRAIL_ROLE: 'jobs' })).toThrow(
      "PAYRAIL_ROLE is 'jobs': expected one of all, api, worker",
    );
  });

  it('reads the older PAYRAIL_JOBS as an alias of PAYRAIL_ROLE and refuses a contradiction', () => {
    const legacy = loadConfig({ PAYRAIL_JOBS: 'off' });
    expect([legacy.role, legacy.jobs, legacy.migrateAtStart]).toEqual(['api', false, true]);
    expect(loadConfig({ PAYRAIL_JOBS: 'on' }).role).toBe('all');
    expect(() => loadConfig({ PAYRAIL_JOBS: 'off', PAYRAIL_ROLE: 'worker' })).toThrow(
      /PAYRAIL_JOBS is 'off': expected unset when PAYRAIL_ROLE is set \(PAYRAIL_JOBS=off means PAYRAIL_ROLE=api\)/,
    );
    expect(() => loadConfig({ PAYRAIL_JOBS: 'maybe' })).toThrow(/replaced by PAYRAIL_ROLE/);
  });

  it('bounds the shutdown: the delay never exceeds the grace', () => {
    const config = loadConfig({ PAYRAIL_SHUTDOWN_GRACE_MS: '1000', PAYRAIL_SHUTDOWN_DELAY_MS: '5000' });
    expect([config.shutdownGraceMs, config.shutdownDelayMs]).toEqual([1000, 1000]);
    expect(loadConfig({}).shutdownGraceMs).toBe(20000);
  });

  it('keeps idle connections longer than a balancer does, unless told otherwise', () => {
    expect(loadConfig({}).keepAliveTimeoutMs).toBe(65000);
    expect(loadConfig({ PAYRAIL_KEEP_ALIVE_TIMEOUT_MS: '120000' }).keepAliveTimeoutMs).toBe(120000);
    expect(() => loadConfig({ PAYRAIL_KEEP_ALIVE_TIMEOUT_MS: '10' })).toThrow(
      /PAYRAIL_KEEP_ALIVE_TIMEOUT_MS/,
    );
  });
});

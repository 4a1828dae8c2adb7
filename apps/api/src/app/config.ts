import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ipaddr from 'ipaddr.js';
import type { CircuitSettings } from '@payrail/monitoring';
import { maskSmtpUrl, parseSmtpUrl, SmtpSettingsError } from '@payrail/notifications';
import { FAULT_POINTS } from '@payrail/payments';
import { sandboxPortVariable } from '@payrail/plugin-sdk';
import { RETENTION_CLASSES, retentionVariable } from '../privacy/retention-classes';
import { INSTALLED } from './plugins';

export interface PayrailConfig {
  port: number;
  host: string;
  dataDir: string;
  /** Absent: SQLite in the data folder. */
  databaseUrl?: string;
  production: boolean;
  adminEmail?: string;
  adminPassword?: string;
  /** Which installed gateway plugins the API composes. */
  plugins: string[];
  /** Whether the local gateway sandboxes are expected, so test-mode sandbox connections are seeded. */
  sandbox: boolean;
  sandboxHost: string;
  /** Each installed gateway's sandbox port, by gateway code. */
  sandboxPorts: Readonly<Record<string, number>>;
  /** The URL the API is reached at from the sandboxes, for webhook registration. */
  publicUrl: string;
  gatewayTimeoutMs: number;
  logLevel: string;
  /**
   * `LOG_REQUEST_IDS`: `requests` puts the request id on each request's own line and on its
   * errors; `all` on every line written while a request runs, which makes Node follow each
   * asynchronous step (decision 0063).
   */
  logRequestIds: 'requests' | 'all';
  masterKey?: string;
  /** The built console served at `/`, or null when `PAYRAIL_CONSOLE_DIR=off`. */
  consoleDir: string | null;
  /** BullMQ on this Redis for the job queue; the database when absent. */
  redisUrl?: string;
  /** Key prefix of the BullMQ queues in Redis. */
  queuePrefix: string;
  /**
   * The proxies (addresses or CIDRs) whose `X-Forwarded-For` / `-Proto` are believed; empty: none,
   * so the client address is the connection's. Non-empty also means a TLS-terminating proxy may be in front.
   */
  trustProxy: string[];
  /** Requests per API key per window (`RateLimit-*` headers, 429 past it); null: no per-key limit. */
  apiKeyRateLimit: { limit: number; windowMs: number } | null;
  /**
   * What this process does: `api` serves HTTP and enqueues; `worker` runs the jobs, schedules,
   * outbox relay and recovery and serves only `/health/*` and `/metrics`; `all` does both.
   */
  role: PayrailRole;
  /** Whether this process runs background jobs and the webhook relay (every role but `api`). */
  jobs: boolean;
  /**
   * Whether this process applies pending migrations at start (`all`, and the `PAYRAIL_JOBS`
   * alias); `api` and `worker` wait for `payrail migrate` unless `PAYRAIL_MIGRATE_AT_START=on`.
   */
  migrateAtStart: boolean;
  /** How long a SIGTERM waits for requests and jobs in flight before the process exits anyway. */
  shutdownGraceMs: number;
  /** After SIGTERM, how long new requests are still served while load balancers see readiness 503. */
  shutdownDelayMs: number;
  /**
   * How long an idle keep-alive connection stays open: longer than the balancer in front keeps
   * its idle upstream connections, so the balancer, never this server, closes an idle one.
   */
  keepAliveTimeoutMs: number;
  jobPollMs: number;
  /** Test mode only: merchant webhooks may go to a loopback address over plain http. */
  webhookAllowHttpLoopback: boolean;
  /** Waits between outbound webhook tries; absent: the documented ~27 h schedule. */
  webhookRetryScheduleMs?: number[];
  recoveryIntervalMs: number;
  /** How long audit entries are kept before the daily purge removes them (PCI DSS: at least 12 months). */
  auditRetentionDays: number;
  /** A test-only crash point (never in production). */
  faultInjection?: string;
  /** Counts database statements and commits for the benchmark (`payrail_db_*` metrics). */
  countStatements: boolean;
  /** A file each counted statement is appended to (development only). */
  traceStatements: string | null;
  /** When set, `/metrics` answers only `Authorization: Bearer <this token>`. */
  metricsToken?: string;
  /** `PAYRAIL_LOG_FILE`: the log is appended here as well as written to stdout, so an erasure's scan can read it. */
  logFile?: string;
  /** Days each retention class is kept before the daily purge (docs/compliance/data-map.md). */
  retentionDays: Readonly<Record<string, number>>;
  /** The API serves HTTPS itself (TLS 1.2 minimum, HSTS) with this PEM certificate and key. */
  tls?: { cert: string; key: string };
  /** `PAYRAIL_SMTP_URL`: where email goes (alerts, receipts, support); unset: no email is sent. */
  smtpUrl?: string;
  /** How often SLA targets of support cases are checked; 0: never on a schedule. */
  slaSweepMs: number;
  /** Where case escalations and SLA breaches are announced (`PAYRAIL_SUPPORT_*`). */
  supportEscalation: { webhookUrl?: string; webhookSecret?: string; email?: string };
  /** Per-connection circuit breakers (`PAYRAIL_CIRCUIT_*`). */
  circuit: CircuitSettings;
  /** How often every enabled connection's `healthCheck` runs. */
  healthCheckIntervalMs: number;
  /** How often the stored alert rules are evaluated (`PAYRAIL_ALERT_INTERVAL_MS`), once per interval across instances. */
  alertIntervalMs: number;
  /** The availability objective the shipped burn-rate rule is seeded with (`PAYRAIL_ALERT_SLO`, e.g. 0.999). */
  alertSlo: number;
  /** How often scheduled reconciliation runs start (each over the interval before); 0: never. */
  reconciliationIntervalMs: number;
  /** One settlement delay for every gateway instead of each gateway's own; unset: per gateway. */
  reconciliationSettlementDelayMs?: number;
  /** Where transaction export files are kept until downloaded (shared storage with several instances). */
  exportDir: string;
  /** How long an export job's file is kept for download before the purge deletes it. */
  exportRetentionHours: number;
}

export const ROLES = ['all', 'api', 'worker'] as const;
export type PayrailRole = (typeof ROLES)[number];

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    expected: string,
    value: string | undefined,
  ) {
    super(`${variable} ${value === undefined ? 'is missing' : `is '${value}'`}: expected ${expected}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `an integer from ${min} to ${max}`, raw);
  }
  return Number(raw);
}

function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!allowed.includes(raw as T)) throw new ConfigError(name, `one of ${allowed.join(', ')}`, raw);
  return raw as T;
}

/**
 * `PAYRAIL_ROLE`; the older `PAYRAIL_JOBS` is an alias (`off` is `api`, `on` is `all`) and may not
 * contradict it.
 */
function role(env: Env): PayrailRole {
  const chosen = oneOf<PayrailRole>(env, 'PAYRAIL_ROLE', 'all', ROLES);
  const legacy = env['PAYRAIL_JOBS'];
  if (legacy === undefined || legacy === '') return chosen;
  if (legacy !== 'on' && legacy !== 'off')
    throw new ConfigError('PAYRAIL_JOBS', 'unset: it is replaced by PAYRAIL_ROLE=all|api|worker', legacy);
  const aliased: PayrailRole = legacy === 'off' ? 'api' : 'all';
  const explicit = env['PAYRAIL_ROLE'];
  if (explicit && explicit !== aliased)
    throw new ConfigError(
      'PAYRAIL_JOBS',
      `unset when PAYRAIL_ROLE is set (PAYRAIL_JOBS=${legacy} means PAYRAIL_ROLE=${aliased})`,
      legacy,
    );
  return aliased;
}

/** `PAYRAIL_TRUST_PROXY`: comma-separated addresses or CIDRs (IPv4 or IPv6), normalised. */
function trustProxy(env: Env): string[] {
  const raw = env['PAYRAIL_TRUST_PROXY'];
  if (raw === undefined || raw.trim() === '') return [];
  const expected =
    'a comma-separated list of proxy addresses or CIDRs, e.g. 10.0.0.5,10.1.0.0/16,fd00::/8 (unset: trust none)';
  return raw.split(',').map((entry) => {
    const item = entry.trim();
    // Dotted decimal or IPv6 only: no '10' or '0x7f.1' shorthands that name another address than they seem.
    const plain = (address: string) =>
      ipaddr.IPv4.isValidFourPartDecimal(address) || ipaddr.IPv6.isValid(address);
    try {
      if (item.includes('/') && plain(item.slice(0, item.indexOf('/')))) {
        const [address, bits] = ipaddr.parseCIDR(item);
        return `${address.toString()}/${bits}`;
      }
      if (plain(item)) return ipaddr.parse(item).toString();
    } catch {
      // falls through to the error naming the variable
    }
    throw new ConfigError('PAYRAIL_TRUST_PROXY', expected, raw);
  });
}

/**
 * `PAYRAIL_API_KEY_RATE_LIMIT`: `off`, or `<requests>/<window>` with the window in s or m (`1000/s`,
 * `50000/1m`). The default, 60,000 a minute, averages 1,000 a second and lets bursts through, so a
 * benchmark's bounded run is never throttled.
 */
function apiKeyRateLimit(env: Env): { limit: number; windowMs: number } | null {
  const raw = env['PAYRAIL_API_KEY_RATE_LIMIT'] || '60000/1m';
  if (raw === 'off') return null;
  const match = /^(\d{1,9})\/(\d{0,4})(s|m)$/.exec(raw);
  const limit = Number(match?.[1]);
  const count = match?.[2] ? Number(match[2]) : 1;
  if (!match || limit < 1 || count < 1)
    throw new ConfigError(
      'PAYRAIL_API_KEY_RATE_LIMIT',
      'off, or requests per window such as 1000/s or 50000/1m',
      raw,
    );
  return { limit, windowMs: count * (match[3] === 'm' ? 60_000 : 1000) };
}

export const KNOWN_PLUGINS: readonly string[] = INSTALLED.map((d) => d.code);

/** Reads and validates the environment; a bad value throws a `ConfigError` that names the variable. */
export function loadConfig(env: Env = process.env): PayrailConfig {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const databaseUrl = env['DATABASE_URL'] || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\/.+/.test(databaseUrl)) {
    throw new ConfigError(
      'DATABASE_URL',
      'a postgres:// URL (or unset for the embedded SQLite database)',
      databaseUrl.replace(/:[^:@/]*@/, ':****@'),
    );
  }
  const adminEmail = env['PAYRAIL_ADMIN_EMAIL'] || undefined;
  if (adminEmail && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(adminEmail)) {
    throw new ConfigError('PAYRAIL_ADMIN_EMAIL', 'an email address', adminEmail);
  }
  const adminPassword = env['PAYRAIL_ADMIN_PASSWORD'] || undefined;
  if (adminPassword !== undefined && adminPassword.length < 12) {
    throw new ConfigError('PAYRAIL_ADMIN_PASSWORD', 'at least 12 characters', '(hidden)');
  }
  const plugins = (env['PAYRAIL_PLUGINS'] ?? KNOWN_PLUGINS.join(','))
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const plugin of plugins) {
    if (!KNOWN_PLUGINS.includes(plugin)) {
      throw new ConfigError(
        'PAYRAIL_PLUGINS',
        `a comma-separated list of ${KNOWN_PLUGINS.join(', ')}`,
        env['PAYRAIL_PLUGINS'],
      );
    }
  }
  const production = env['NODE_ENV'] === 'production';
  const sandbox = oneOf(env, 'PAYRAIL_SANDBOX', production ? 'off' : 'on', ['on', 'off']) === 'on';
  const masterKey = env['PAYRAIL_MASTER_KEY'] || undefined;
  if (masterKey !== undefined && Buffer.from(masterKey, 'base64').length !== 32) {
    throw new ConfigError(
      'PAYRAIL_MASTER_KEY',
      '32 random bytes in base64 (openssl rand -base64 32)',
      '(hidden)',
    );
  }
  const publicUrl = env['PAYRAIL_PUBLIC_URL'] || `http://127.0.0.1:${port}`;
  try {
    new URL(publicUrl);
  } catch {
    throw new ConfigError(
      'PAYRAIL_PUBLIC_URL',
      'an absolute URL such as https://payments.example.com',
      publicUrl,
    );
  }
  const redisUrl = env['REDIS_URL'] || undefined;
  if (redisUrl && !/^rediss?:\/\/.+/.test(redisUrl))
    throw new ConfigError(
      'REDIS_URL',
      'a redis:// or rediss:// URL (or unset for the database job queue)',
      redisUrl.replace(/:[^:@/]*@/, ':****@'),
    );
  const webhookAllowHttpLoopback =
    oneOf(env, 'PAYRAIL_WEBHOOK_ALLOW_HTTP_LOOPBACK', 'off', ['on', 'off']) === 'on';
  if (webhookAllowHttpLoopback && production)
    throw new ConfigError(
      'PAYRAIL_WEBHOOK_ALLOW_HTTP_LOOPBACK',
      'off in production (it is a test setting)',
      'on',
    );
  const scheduleRaw = env['PAYRAIL_WEBHOOK_RETRY_SCHEDULE_MS'] || undefined;
  if (scheduleRaw !== undefined && !/^\d+(,\d+)*$/.test(scheduleRaw))
    throw new ConfigError(
      'PAYRAIL_WEBHOOK_RETRY_SCHEDULE_MS',
      'a comma-separated list of waits in milliseconds, e.g. 60000,300000',
      scheduleRaw,
    );
  const metricsToken = env['PAYRAIL_METRICS_TOKEN'] || undefined;
  if (metricsToken !== undefined && !/^[\x21-\x7e]{16,512}$/.test(metricsToken))
    throw new ConfigError(
      'PAYRAIL_METRICS_TOKEN',
      '16 to 512 printable characters without spaces (openssl rand -hex 32)',
      '(hidden)',
    );
  const smtpUrl = env['PAYRAIL_SMTP_URL'] || undefined;
  if (smtpUrl !== undefined) {
    try {
      parseSmtpUrl(smtpUrl);
    } catch (error) {
      if (!(error instanceof SmtpSettingsError)) throw error;
      throw new ConfigError('PAYRAIL_SMTP_URL', error.message, maskSmtpUrl(smtpUrl));
    }
  }
  const supportEscalation = supportEscalationOf(env);
  const faultInjection = env['PAYRAIL_FAULT_INJECTION'] || undefined;
  if (
    faultInjection !== undefined &&
    (production || !(FAULT_POINTS as readonly string[]).includes(faultInjection))
  ) {
    throw new ConfigError(
      'PAYRAIL_FAULT_INJECTION',
      production ? 'unset in production (it is a test setting)' : `one of ${FAULT_POINTS.join(', ')}`,
      faultInjection,
    );
  }
  const faultHits = env['PAYRAIL_FAULT_INJECTION_HITS'] || undefined;
  if (faultHits !== undefined && (production || !/^[1-9]\d{0,2}$/.test(faultHits)))
    throw new ConfigError(
      'PAYRAIL_FAULT_INJECTION_HITS',
      production ? 'unset in production (it is a test setting)' : 'a whole number from 1 to 999',
      faultHits,
    );
  const processRole = role(env);
  const shutdownGraceMs = integer(env, 'PAYRAIL_SHUTDOWN_GRACE_MS', 20000, 0, 600000);
  const trustedProxies = trustProxy(env);
  const tls = tlsFiles(env);
  if (production && !tls && trustedProxies.length === 0)
    throw new ConfigError(
      'PAYRAIL_TLS_CERT',
      'in production, PAYRAIL_TLS_CERT and PAYRAIL_TLS_KEY (HTTPS served by Payrail) or PAYRAIL_TRUST_PROXY naming the TLS-terminating proxy in front',
      undefined,
    );
  if (production && env['NODE_TLS_REJECT_UNAUTHORIZED'] === '0')
    throw new ConfigError(
      'NODE_TLS_REJECT_UNAUTHORIZED',
      'unset in production: gateway and webhook connections verify certificates',
      '0',
    );
  return {
    port,
    host: env['HOST'] || '0.0.0.0',
    dataDir: resolve(env['PAYRAIL_DATA_DIR'] || './data'),
    databaseUrl,
    production,
    adminEmail,
    adminPassword,
    plugins,
    sandbox,
    sandboxHost: env['PAYRAIL_SANDBOX_HOST'] || '127.0.0.1',
    sandboxPorts: Object.fromEntries(
      INSTALLED.map((d) => [
        d.code,
        integer(env, sandboxPortVariable(d.code), d.sandbox.defaultPort, 1, 65535),
      ]),
    ),
    publicUrl: publicUrl.replace(/\/$/, ''),
    gatewayTimeoutMs: integer(env, 'PAYRAIL_GATEWAY_TIMEOUT_MS', 30000, 100, 300000),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    logRequestIds: oneOf(env, 'LOG_REQUEST_IDS', 'requests', ['requests', 'all']),
    masterKey,
    consoleDir:
      env['PAYRAIL_CONSOLE_DIR'] === 'off'
        ? null
        : resolve(env['PAYRAIL_CONSOLE_DIR'] || './dist/apps/console/browser'),
    redisUrl,
    queuePrefix: env['PAYRAIL_QUEUE_PREFIX'] || 'payrail',
    trustProxy: trustedProxies,
    apiKeyRateLimit: apiKeyRateLimit(env),
    role: processRole,
    jobs: processRole !== 'api',
    // The older switch migrated at start in either position, and still does.
    migrateAtStart:
      oneOf(env, 'PAYRAIL_MIGRATE_AT_START', processRole === 'all' || !env['PAYRAIL_ROLE'] ? 'on' : 'off', [
        'on',
        'off',
      ]) === 'on',
    shutdownGraceMs,
    shutdownDelayMs: Math.min(shutdownGraceMs, integer(env, 'PAYRAIL_SHUTDOWN_DELAY_MS', 3000, 0, 600000)),
    keepAliveTimeoutMs: integer(env, 'PAYRAIL_KEEP_ALIVE_TIMEOUT_MS', 65000, 1000, 600000),
    jobPollMs: integer(env, 'PAYRAIL_JOB_POLL_MS', 1000, 10, 60000),
    webhookAllowHttpLoopback,
    webhookRetryScheduleMs: scheduleRaw?.split(',').map(Number),
    recoveryIntervalMs: integer(env, 'PAYRAIL_RECOVERY_INTERVAL_MS', 60000, 100, 3600000),
    auditRetentionDays: integer(env, 'PAYRAIL_AUDIT_RETENTION_DAYS', 400, 365, 36500),
    faultInjection,
    countStatements:
      oneOf(env, 'PAYRAIL_COUNT_STATEMENTS', 'off', ['on', 'off']) === 'on' ||
      !!env['PAYRAIL_TRACE_STATEMENTS'],
    traceStatements: env['PAYRAIL_TRACE_STATEMENTS'] || null,
    metricsToken,
    tls,
    smtpUrl,
    slaSweepMs: integer(env, 'PAYRAIL_SLA_SWEEP_MS', 60_000, 0, 3_600_000),
    supportEscalation,
    circuit: {
      failureRatePercent: integer(env, 'PAYRAIL_CIRCUIT_FAILURE_RATE', 50, 1, 100),
      minimumCalls: integer(env, 'PAYRAIL_CIRCUIT_MIN_CALLS', 10, 1, 10000),
      windowMs: integer(env, 'PAYRAIL_CIRCUIT_WINDOW_MS', 30000, 100, 3600000),
      openMs: integer(env, 'PAYRAIL_CIRCUIT_OPEN_MS', 30000, 50, 3600000),
    },
    healthCheckIntervalMs: integer(env, 'PAYRAIL_HEALTH_CHECK_INTERVAL_MS', 60000, 100, 86400000),
    alertIntervalMs: integer(env, 'PAYRAIL_ALERT_INTERVAL_MS', 60000, 100, 3600000),
    alertSlo: alertSlo(env),
    retentionDays: retentionDays(env),
    logFile: env['PAYRAIL_LOG_FILE'] ? resolve(env['PAYRAIL_LOG_FILE']) : undefined,
    reconciliationIntervalMs: integer(
      env,
      'PAYRAIL_RECONCILIATION_INTERVAL_MS',
      86_400_000,
      0,
      31 * 86_400_000,
    ),
    reconciliationSettlementDelayMs:
      env['PAYRAIL_RECONCILIATION_SETTLEMENT_DELAY_MS'] === undefined ||
      env['PAYRAIL_RECONCILIATION_SETTLEMENT_DELAY_MS'] === ''
        ? undefined
        : integer(env, 'PAYRAIL_RECONCILIATION_SETTLEMENT_DELAY_MS', 0, 0, 31 * 86_400_000),
    exportDir: resolve(
      env['PAYRAIL_EXPORT_DIR'] || join(resolve(env['PAYRAIL_DATA_DIR'] || './data'), 'exports'),
    ),
    exportRetentionHours: integer(env, 'PAYRAIL_EXPORT_RETENTION_HOURS', 24, 1, 24 * 366),
  };
}

/** `PAYRAIL_RETENTION_<CLASS>_DAYS` per retention class; a variable naming no class is refused, so a typo never keeps data longer. */
function retentionDays(env: Env): Record<string, number> {
  const known = new Set(RETENTION_CLASSES.map((c) => retentionVariable(c.name)));
  for (const name of Object.keys(env))
    if (/^PAYRAIL_RETENTION_.+_DAYS$/.test(name) && !known.has(name))
      throw new ConfigError(name, `one of ${[...known].join(', ')}`, env[name]);
  return Object.fromEntries(
    RETENTION_CLASSES.map((c) => [
      c.name,
      integer(env, retentionVariable(c.name), c.defaultDays, c.minDays, 36500),
    ]),
  );
}

/** `PAYRAIL_TLS_CERT` / `PAYRAIL_TLS_KEY`: PEM files, both or neither, read and parsed now so a bad one stops the start. */
function tlsFiles(env: Env): PayrailConfig['tls'] {
  const certFile = env['PAYRAIL_TLS_CERT'] || undefined;
  const keyFile = env['PAYRAIL_TLS_KEY'] || undefined;
  if (!certFile && !keyFile) return undefined;
  if (!certFile)
    throw new ConfigError('PAYRAIL_TLS_CERT', 'a PEM certificate file, set with PAYRAIL_TLS_KEY', undefined);
  if (!keyFile)
    throw new ConfigError('PAYRAIL_TLS_KEY', 'a PEM private key file, set with PAYRAIL_TLS_CERT', undefined);
  const read = (variable: string, file: string, parse: (pem: string) => unknown, what: string): string => {
    try {
      const pem = readFileSync(file, 'utf8');
      parse(pem);
      return pem;
    } catch {
      throw new ConfigError(variable, `a readable ${what} in PEM`, file);
    }
  };
  const cert = read('PAYRAIL_TLS_CERT', certFile, (pem) => new X509Certificate(pem), 'certificate');
  const key = read('PAYRAIL_TLS_KEY', keyFile, (pem) => createPrivateKey(pem), 'private key');
  if (!new X509Certificate(cert).checkPrivateKey(createPrivateKey(key)))
    throw new ConfigError('PAYRAIL_TLS_KEY', "the private key of PAYRAIL_TLS_CERT's certificate", keyFile);
  return { cert, key };
}

export const PAYRAIL_CONFIG = Symbol.for('payrail.config');

/** The escalation channels of support cases: a signed webhook (URL and secret together) and an email address. */
function supportEscalationOf(env: Env): PayrailConfig['supportEscalation'] {
  const webhookUrl = env['PAYRAIL_SUPPORT_WEBHOOK_URL'] || undefined;
  const webhookSecret = env['PAYRAIL_SUPPORT_WEBHOOK_SECRET'] || undefined;
  const email = env['PAYRAIL_SUPPORT_EMAIL'] || undefined;
  if (webhookUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(webhookUrl);
    } catch {
      url = undefined;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol))
      throw new ConfigError(
        'PAYRAIL_SUPPORT_WEBHOOK_URL',
        'an https:// URL that receives case escalations',
        webhookUrl,
      );
    if (!webhookSecret || webhookSecret.length < 16)
      throw new ConfigError(
        'PAYRAIL_SUPPORT_WEBHOOK_SECRET',
        'at least 16 characters to sign escalations with (with PAYRAIL_SUPPORT_WEBHOOK_URL)',
        webhookSecret === undefined ? undefined : '(hidden)',
      );
  }
  if (email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(email))
    throw new ConfigError('PAYRAIL_SUPPORT_EMAIL', 'an email address for case escalations', email);
  return { webhookUrl, webhookSecret, email };
}

/** `PAYRAIL_ALERT_SLO`: a ratio strictly between 0 and 1 (default 0.999). */
function alertSlo(env: Env): number {
  const raw = env['PAYRAIL_ALERT_SLO'];
  if (raw === undefined || raw === '') return 0.999;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value >= 1)
    throw new ConfigError('PAYRAIL_ALERT_SLO', 'a ratio between 0 and 1 such as 0.999', raw);
  return value;
}

// The `reconcile` and `export` scenarios of `npm run bench`: a day of `count` captured payments and
// as many gateway records, generated in bulk by the database itself (not through the API), with
// 300 seeded exceptions (100 amounts off by one, 100 records missing, 100 charges Payrail never
// made); then the built CLI reconciles what is stored and writes the CSV export, each reporting its
// duration and peak RSS.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { scratchDatabase } from './processes.mjs';

const FROM = Date.UTC(2026, 9, 1) / 1000;
const DAY = 86_400;

export function cli(env, args) {
  const run = spawnSync(process.execPath, ['dist/apps/api/cli.js', ...args], {
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`payrail ${args[0]} failed: ${run.stderr}`);
  return run.stdout.trim().split('\n').pop();
}

/** The generated rows, as one INSERT … SELECT per table over a number series `n(i)`. */
function inserts(dialect, count, merchant) {
  const sqlite = dialect === 'sqlite';
  const pad = (x) => (sqlite ? `printf('%08d', ${x})` : `lpad((${x})::text, 8, '0')`);
  const at = (offset = 0) =>
    sqlite
      ? `strftime('%Y-%m-%d %H:%M:%f', ${FROM} + i * ${DAY / count} + ${offset}, 'unixepoch')`
      : `(to_timestamp(${FROM} + i * ${DAY / count} + ${offset}) AT TIME ZONE 'UTC')`;
  const series = (n) =>
    sqlite ? `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n}) ` : '';
  const from = (n) => (sqlite ? 'FROM n' : `FROM generate_series(1, ${n}) AS n(i)`);
  const amount = '(1000 + i % 5000)';
  const text = (x) => (sqlite ? `CAST(${x} AS TEXT)` : `(${x})::text`);
  return [
    `${series(count)}INSERT INTO payments (id, merchant_id, connection_id, gateway, mode, status, amount, currency,
        amount_capturable, amount_captured, amount_refunded, amount_refund_pending, capture_method, gateway_reference,
        captures, needs_review, version, created_at, updated_at)
      SELECT 'pay_b' || ${pad('i')}, '${merchant}', 'conn_bench', 'stripe', 'test', 'captured', ${amount}, 'usd', 0,
        ${amount}, 0, 0, 'automatic', 'pi_b' || ${pad('i')},
        '[{"reference":"ch_b' || ${pad('i')} || '","amount":' || ${text(amount)} || ',"attemptId":"att_b' || ${pad('i')} || '"}]',
        false, 1, ${at()}, ${at()} ${from(count)}`,
    `${series(count)}INSERT INTO payment_attempts (id, payment_id, merchant_id, operation, status, idempotency_key, amount,
        request, recovery_tries, created_at, updated_at)
      SELECT 'att_b' || ${pad('i')}, 'pay_b' || ${pad('i')}, '${merchant}', 'capture', 'succeeded',
        'payrail_att_b' || ${pad('i')}, ${amount}, '{}', 0, ${at()}, ${at()} ${from(count)}`,
    `${series(count)}INSERT INTO settlement_records (id, connection_id, merchant_id, gateway, dedup_key, reference, kind,
        gateway_type, payment_reference, capture_reference, status, currency, amount, fee, net, occurred_at, raw,
        created_at, updated_at)
      SELECT 'srec_b' || ${pad('i')}, 'conn_bench', '${merchant}', 'stripe', 'txn_b' || ${pad('i')}, 'txn_b' || ${pad('i')},
        'charge', 'charge', 'pi_b' || ${pad('i')}, 'ch_b' || ${pad('i')}, 'available', 'usd',
        ${amount} + CASE WHEN i % 10000 = 1 THEN 1 ELSE 0 END, (${amount} * 29) / 1000 + 30,
        ${amount} + CASE WHEN i % 10000 = 1 THEN 1 ELSE 0 END - ((${amount} * 29) / 1000 + 30),
        ${at(1)}, '{"id":"txn_b' || ${pad('i')} || '"}', ${at()}, ${at()} ${from(count)} WHERE i % 10000 <> 2`,
    `${series(100)}INSERT INTO settlement_records (id, connection_id, merchant_id, gateway, dedup_key, reference, kind,
        gateway_type, payment_reference, capture_reference, status, currency, amount, fee, net, occurred_at, raw,
        created_at, updated_at)
      SELECT 'srec_g' || ${pad('i')}, 'conn_bench', '${merchant}', 'stripe', 'txn_g' || ${pad('i')}, 'txn_g' || ${pad('i')},
        'charge', 'charge', 'pi_ghost' || ${pad('i')}, 'ch_ghost' || ${pad('i')}, 'available', 'usd', 777, 53, 724,
        ${sqlite ? `strftime('%Y-%m-%d %H:%M:%f', ${FROM} + i * 600, 'unixepoch')` : `(to_timestamp(${FROM} + i * 600) AT TIME ZONE 'UTC')`},
        '{}', ${sqlite ? "datetime('now')" : 'now()'}, ${sqlite ? "datetime('now')" : 'now()'} ${from(100)}`,
  ];
}

const CONNECTION = (merchant, sqlite) =>
  `INSERT INTO gateway_connections (id, merchant_id, gateway, mode, name, is_default, enabled, public_values,
    secret_values, secret_hints) VALUES ('conn_bench', '${merchant}', 'stripe', 'test', 'bench', ${sqlite ? 0 : false},
    ${sqlite ? 1 : true}, '{}', '{}', '{}')`;

/** Fills the migrated database `env` names with `count` generated payments and records. */
export async function seedReconcileData(env, database, url, count) {
  if (database === 'sqlite') {
    const db = new Database(join(env.PAYRAIL_DATA_DIR, 'payrail.sqlite'));
    db.pragma('synchronous = OFF');
    const merchant = db.prepare('SELECT id FROM merchants LIMIT 1').get().id;
    db.exec(CONNECTION(merchant, true));
    for (const statement of inserts('sqlite', count, merchant)) db.exec(statement);
    db.close();
  } else {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const merchant = (await client.query('SELECT id FROM merchants LIMIT 1')).rows[0].id;
    await client.query(CONNECTION(merchant, false));
    for (const statement of inserts('postgres', count, merchant)) await client.query(statement);
    await client.query('ANALYZE');
    await client.end();
  }
}

/** Runs both scenarios on one database; returns their rows for the report. */
export async function reconcileScenarios(database, serverUrl, count) {
  const dataDir = mkdtempSync(join(tmpdir(), 'payrail-bench-rec-'));
  const scratch = serverUrl ? await scratchDatabase(serverUrl, `payrail_bench_rec_${process.pid}`) : null;
  const env = {
    ...process.env,
    PAYRAIL_DATA_DIR: dataDir,
    DATABASE_URL: scratch?.url ?? '',
    PAYRAIL_SANDBOX: 'off',
    LOG_LEVEL: 'warn',
  };
  delete env.REDIS_URL;
  try {
    cli(env, ['migrate']);
    const seedStarted = Date.now();
    await seedReconcileData(env, database, scratch?.url, count);
    const seedSeconds = (Date.now() - seedStarted) / 1000;
    const window = [
      '--from',
      new Date(FROM * 1000).toISOString(),
      '--to',
      new Date((FROM + DAY + 1) * 1000).toISOString(),
    ];
    const reconciled = JSON.parse(
      cli(env, ['reconcile', '--connection', 'conn_bench', '--stored-only', ...window]),
    );
    const rerun = JSON.parse(
      cli(env, ['reconcile', '--connection', 'conn_bench', '--stored-only', ...window]),
    );
    const out = join(dataDir, 'export.csv');
    const exported = JSON.parse(
      cli(env, ['export-transactions', '--format', 'csv', '--out', out, '--mode', 'test']),
    );
    const counts = reconciled.run.counts;
    return [
      {
        database,
        scenario: 'reconcile',
        records: count,
        seed_s: Math.round(seedSeconds * 10) / 10,
        seconds: reconciled.duration_ms / 1000,
        cpu_s: reconciled.cpu_ms / 1000,
        peak_rss_mb: reconciled.peak_rss_mb,
        exceptions: Object.entries(counts)
          .filter(([k]) => k !== 'matched' && k !== 'expected')
          .reduce((n, [, v]) => n + v, 0),
        matched: counts.matched,
        rerun_seconds: rerun.duration_ms / 1000,
        same_digest: rerun.run.digest === reconciled.run.digest,
      },
      {
        database,
        scenario: 'export',
        records: exported.rows,
        seconds: exported.duration_ms / 1000,
        cpu_s: exported.cpu_ms / 1000,
        peak_rss_mb: exported.peak_rss_mb,
        file_mb: Math.round(statSync(out).size / 1024 / 1024),
      },
    ];
  } finally {
    await scratch?.drop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function reconcileTable(rows) {
  const lines = [
    '| database | scenario | rows | seconds | CPU s | peak RSS MB | detail |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const r of rows)
    lines.push(
      `| ${r.database} | ${r.scenario} | ${r.records} | ${r.seconds} | ${r.cpu_s} | ${r.peak_rss_mb} | ${
        r.scenario === 'reconcile'
          ? `${r.matched} matched, ${r.exceptions} exceptions; rerun ${r.rerun_seconds} s, same digest: ${r.same_digest}; seeded in ${r.seed_s} s`
          : `${r.file_mb} MB of CSV`
      } |`,
    );
  return lines.join('\n');
}

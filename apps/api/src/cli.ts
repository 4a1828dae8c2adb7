import 'reflect-metadata';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ApiKeyService, MerchantService } from '@payrail/identity';
import { RecoveryService } from '@payrail/payments';
import { AuditService } from '@payrail/audit';
import { TransactionRunner } from '@payrail/database';
import {
  ReconciliationRunner,
  ReconciliationService,
  SqlDialect,
  transactionChunks,
} from '@payrail/reconciliation';
import { loadKeyring, type Keyring } from '@payrail/secrets';
import { AppModule } from './app/app.module';
import { BootstrapService } from './app/bootstrap.service';
import { ConfigError, loadConfig } from './app/config';
import { createRootLogger, JsonLogger } from './app/logging';
import { generateMasterKey, rotateMasterKey, rotationKeyring } from './app/master-key-rotation';

const ROTATION_STEPS = `A new master key is printed on the last line. Nothing has changed yet. To rotate without downtime:
  1. On every API instance set PAYRAIL_MASTER_KEY to the new key and add the current one to
     PAYRAIL_MASTER_KEY_PREVIOUS (comma-separated), then restart the instances one at a time.
     New credentials are sealed under the new key; existing ones still open with the old one.
  2. Run: npm run payrail -- rotate-master-key --new-key-env PAYRAIL_MASTER_KEY
     (with the same environment) to re-wrap every stored credential under the new key.
  3. When it reports "failed": 0, remove the old key from PAYRAIL_MASTER_KEY_PREVIOUS.
The key is shown once and is not logged; store it in your secrets manager now.
`;

const USAGE = `usage: npm run payrail -- <command>

  migrate                                             run pending database migrations
  api-key create --merchant <id|default> --mode test|live [--name <name>]
                                                      create a merchant secret key (printed once, alone on the last line)
  api-key revoke <key id>                             revoke a key (a running API refuses it within a second)
  recover                                             settle every payment call left in doubt now
  reconcile --connection <id> --from <iso> --to <iso> [--stored-only]
                                                      reconcile a connection now (--stored-only: match what is
                                                      already imported, without asking the gateway); prints the run
  export-transactions --format csv|jsonl --out <file> [--mode test|live] [--from <iso>] [--to <iso>]
                                                      write the transactions export to a file
  rotate-master-key                                   generate a new master key and print the steps to roll it out
  rotate-master-key --new-key-env <NAME> [--batch-size <n>]
                                                      re-wrap every credential under the master key in $NAME
                                                      (after every instance has it loaded; see README)
`;

class UsageError extends Error {}

const CLI_ACTOR = { actor: { type: 'system' as const, id: 'cli' } };

/**
 * How long a command took, the CPU time the process spent meanwhile (a figure a busy machine
 * distorts less than the wall clock) and the most memory it held (for `npm run bench`).
 */
function stats(
  started: number,
  cpuAtStart: NodeJS.CpuUsage,
): { duration_ms: number; cpu_ms: number; peak_rss_mb: number } {
  const cpu = process.cpuUsage(cpuAtStart);
  return {
    duration_ms: Date.now() - started,
    cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i === -1) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
  return value;
}

async function main(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(USAGE);
    return;
  }
  const known = ['migrate', 'api-key', 'recover', 'rotate-master-key', 'reconcile', 'export-transactions'];
  if (command === 'rotate-master-key' && !argv.includes('--new-key-env')) {
    // Step 1 touches nothing: the new key must be loaded by every instance before anything is rewrapped under it.
    if (argv.length > 1)
      throw new UsageError(`rotate-master-key takes only --new-key-env <NAME> [--batch-size <n>]`);
    process.stdout.write(ROTATION_STEPS);
    process.stdout.write(`${generateMasterKey()}\n`);
    return;
  }
  if (!known.includes(command)) throw new UsageError(`unknown command '${command}'`);
  if (command === 'api-key' && !['create', 'revoke'].includes(sub ?? ''))
    throw new UsageError(`api-key takes create or revoke, not '${sub ?? ''}'`);

  // A one-off command runs no background jobs: the API processes do.
  // It migrates on start (any role), so `payrail migrate` is the step a rollout runs first.
  const config = { ...loadConfig(), role: 'api' as const, jobs: false, migrateAtStart: true };
  // Logs go to stderr: stdout carries only the command's result.
  const logger = createRootLogger(
    config.logLevel === 'info' ? 'warn' : config.logLevel,
    process.stderr as never,
  );
  const keyring = loadKeyring({
    masterKey: config.masterKey,
    previousKeys: process.env['PAYRAIL_MASTER_KEY_PREVIOUS'],
    production: config.production,
    dataDir: config.dataDir,
    warn: (m) => logger.warn(m),
  });
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({
      config,
      keyring,
      seed: { sandboxConnections: false, announce: (m) => process.stderr.write(`${m}\n`) },
    }),
    { logger: new JsonLogger(logger) },
  );
  try {
    await app.get(BootstrapService).seed();
    switch (command) {
      case 'migrate': {
        const ran = await app.get<DataSource>(getDataSourceToken()).runMigrations();
        process.stdout.write(`migrations are up to date (${ran.length} ran now)\n`);
        return;
      }
      case 'rotate-master-key': {
        const name = flag(argv, 'new-key-env') as string;
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
          throw new UsageError(`--new-key-env takes an environment variable name, not '${name}'`);
        const value = process.env[name];
        if (!value) throw new UsageError(`environment variable ${name} (from --new-key-env) is not set`);
        let target: Keyring;
        try {
          target = rotationKeyring(value, keyring);
        } catch {
          throw new UsageError(`${name} must hold 32 random bytes in base64 (openssl rand -base64 32)`);
        }
        const batch = flag(argv, 'batch-size');
        if (batch !== undefined && !/^\d{1,4}$/.test(batch))
          throw new UsageError('--batch-size must be a whole number from 1 to 1000');
        const started = Date.now();
        const result = await rotateMasterKey(
          { transactions: app.get(TransactionRunner), audit: app.get(AuditService) },
          target,
          {
            batchSize: batch === undefined ? undefined : Number(batch),
            context: {
              actor: { type: 'system', id: 'cli' },
              origin: { userAgent: 'payrail-cli rotate-master-key' },
            },
            onProgress: (p) =>
              process.stderr.write(`rewrapped ${p.rewrapped} of ${p.scanned} scanned so far\n`),
          },
        );
        process.stdout.write(`${JSON.stringify({ ...result, durationMs: Date.now() - started })}\n`);
        if (result.failed > 0) {
          process.stderr.write(
            `${result.failed} connection(s) were left as they were; keep the old key in PAYRAIL_MASTER_KEY_PREVIOUS and see "failures"\n`,
          );
          process.exitCode = 1;
        } else if (target.current.id !== keyring.current.id) {
          process.stderr.write(
            `every credential is now under ${target.current.id}: set PAYRAIL_MASTER_KEY=$${name} on every instance before removing the old key\n`,
          );
        }
        return;
      }
      case 'reconcile': {
        const when = (name: string) => {
          const value = flag(argv, name);
          if (!value || Number.isNaN(Date.parse(value)))
            throw new UsageError(`--${name} <ISO 8601 instant> is required`);
          return new Date(value);
        };
        const connectionId = flag(argv, 'connection');
        if (!connectionId) throw new UsageError('--connection <id> is required');
        const started = Date.now();
        const cpuAtStart = process.cpuUsage();
        const run = await app
          .get(ReconciliationService)
          .start('all', { connectionId, from: when('from'), to: when('to'), trigger: 'manual' }, CLI_ACTOR);
        const done = await app
          .get(ReconciliationRunner)
          .execute(run.id, { importRecords: !argv.includes('--stored-only') });
        process.stdout.write(`${JSON.stringify({ ...stats(started, cpuAtStart), run: done })}\n`);
        if (done.status !== 'completed') process.exitCode = 1;
        return;
      }
      case 'export-transactions': {
        const format = flag(argv, 'format');
        if (format !== 'csv' && format !== 'jsonl') throw new UsageError('--format must be csv or jsonl');
        const out = flag(argv, 'out');
        if (!out) throw new UsageError('--out <file> is required');
        const mode = (flag(argv, 'mode') ?? 'test') as 'test' | 'live';
        if (mode !== 'test' && mode !== 'live') throw new UsageError('--mode must be test or live');
        const from = flag(argv, 'from');
        const to = flag(argv, 'to');
        const started = Date.now();
        const cpuAtStart = process.cpuUsage();
        const file = createWriteStream(out);
        let rows = 0;
        const sql = new SqlDialect(app.get<DataSource>(getDataSourceToken()));
        const filter = {
          merchants: 'all' as const,
          mode,
          from: from ? new Date(from) : undefined,
          to: to ? new Date(to) : undefined,
        };
        for await (const chunk of transactionChunks(sql, filter, format, (n) => (rows += n)))
          if (!file.write(chunk)) await once(file, 'drain');
        file.end();
        await once(file, 'finish');
        process.stdout.write(`${JSON.stringify({ ...stats(started, cpuAtStart), rows, file: out })}\n`);
        return;
      }
      case 'recover': {
        const report = await app.get(RecoveryService).sweep({ force: true });
        process.stdout.write(`${JSON.stringify(report)}\n`);
        return;
      }
      case 'api-key': {
        if (sub === 'create') {
          const mode = flag(rest, 'mode') ?? '';
          if (mode !== 'test' && mode !== 'live')
            throw new UsageError(`--mode must be test or live, not '${mode}'`);
          const merchantArg = flag(rest, 'merchant');
          if (!merchantArg) throw new UsageError('--merchant <id|default> is required');
          const merchant = await app.get(MerchantService).resolve(merchantArg);
          const { key, secret } = await app
            .get(ApiKeyService)
            .create({ merchantId: merchant.id, mode, name: flag(rest, 'name') });
          process.stdout.write(
            `created ${mode} key ${key.id} for merchant ${merchant.id}; it is shown once, store it now:\n${secret}\n`,
          );
          return;
        }
        const id = rest[0];
        if (!id) throw new UsageError('api-key revoke needs the key id (key_…)');
        const key = await app.get(ApiKeyService).revoke(id);
        process.stdout.write(`revoked ${key.id} (${key.prefix}…)\n`);
        return;
      }
    }
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).catch((error: Error) => {
  if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${USAGE}`);
  else if (error instanceof ConfigError) process.stderr.write(`Payrail cannot start: ${error.message}\n`);
  else process.stderr.write(`${error.message}\n`);
  process.exit(error instanceof UsageError ? 64 : 1);
});

import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ApiKeyService, MerchantService } from '@payrail/identity';
import { RecoveryService } from '@payrail/payments';
import { loadKeyring } from '@payrail/secrets';
import { AppModule } from './app/app.module';
import { BootstrapService } from './app/bootstrap.service';
import { ConfigError, loadConfig } from './app/config';
import { createRootLogger, JsonLogger } from './app/logging';

const USAGE = `usage: npm run payrail -- <command>

  migrate                                             run pending database migrations
  api-key create --merchant <id|default> --mode test|live [--name <name>]
                                                      create a merchant secret key (printed once, alone on the last line)
  api-key revoke <key id>                             revoke a key at once
  recover                                             settle every payment call left in doubt now
`;

class UsageError extends Error {}

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
  const known = ['migrate', 'api-key', 'recover'];
  if (!known.includes(command)) throw new UsageError(`unknown command '${command}'`);
  if (command === 'api-key' && !['create', 'revoke'].includes(sub ?? '')) throw new UsageError(`api-key takes create or revoke, not '${sub ?? ''}'`);

  const config = loadConfig();
  // Logs go to stderr: stdout carries only the command's result.
  const logger = createRootLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr as never);
  const keyring = loadKeyring({ masterKey: config.masterKey, previousKeys: process.env['PAYRAIL_MASTER_KEY_PREVIOUS'], production: config.production, dataDir: config.dataDir, warn: (m) => logger.warn(m) });
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({ config, keyring, seed: { sandboxConnections: false, announce: (m) => process.stderr.write(`${m}\n`) } }),
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
      case 'recover': {
        const report = await app.get(RecoveryService).sweep({ force: true });
        process.stdout.write(`${JSON.stringify(report)}\n`);
        return;
      }
      case 'api-key': {
        if (sub === 'create') {
          const mode = flag(rest, 'mode') ?? '';
          if (mode !== 'test' && mode !== 'live') throw new UsageError(`--mode must be test or live, not '${mode}'`);
          const merchantArg = flag(rest, 'merchant');
          if (!merchantArg) throw new UsageError('--merchant <id|default> is required');
          const merchant = await app.get(MerchantService).resolve(merchantArg);
          const { key, secret } = await app.get(ApiKeyService).create({ merchantId: merchant.id, mode, name: flag(rest, 'name') });
          process.stdout.write(`created ${mode} key ${key.id} for merchant ${merchant.id}; it is shown once, store it now:\n${secret}\n`);
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

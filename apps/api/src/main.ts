import 'reflect-metadata';
import { createApp } from './app/create-app';
import { ConfigError, loadConfig } from './app/config';
import { createRootLogger } from './app/logging';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Payrail cannot start: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = createRootLogger(config.logLevel);
  const app = await createApp(config, {
    logger,
    announce: (message) => {
      logger.warn(message.replace(/password \S+/, 'password (printed on stdout)'));
      process.stdout.write(`\n${message}\n\n`);
    },
  });
  await app.listen(config.port, config.host);
  logger.info(
    { port: config.port, database: config.databaseUrl ? 'postgres' : 'sqlite', data_dir: config.dataDir },
    `Payrail API listening on ${config.tls ? 'https' : 'http'}://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port} (docs at /docs)`,
  );
}

main().catch((error: Error) => {
  process.stderr.write(`Payrail failed to start: ${error.message}\n`);
  process.exit(1);
});

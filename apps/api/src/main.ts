import 'reflect-metadata';
import type { Server } from 'node:http';
import { createApp } from './app/create-app';
import { ConfigError, loadConfig } from './app/config';
import { DataDirLockedError, lockDataDir } from './app/data-dir-lock';
import { createRootLogger, logDestination } from './app/logging';
import { drainOnSignals } from './app/shutdown';

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
  const logger = createRootLogger(config.logLevel, logDestination(config.logFile));
  // SQLite is for one server process: a second one on the same folder is refused here.
  if (!config.databaseUrl) {
    try {
      lockDataDir(config.dataDir);
    } catch (error) {
      if (error instanceof DataDirLockedError) {
        process.stderr.write(`Payrail cannot start: ${error.message}\n`);
        process.exit(75);
      }
      throw error;
    }
  }
  const app = await createApp(config, {
    logger,
    announce: (message) => {
      logger.warn(message.replace(/password \S+/, 'password (printed on stdout)'));
      process.stdout.write(`\n${message}\n\n`);
    },
  });
  drainOnSignals(app, config, {
    delayMs: config.shutdownDelayMs,
    graceMs: config.shutdownGraceMs,
    logger,
  });
  // Node's 5 s default is shorter than any balancer's idle timeout for its upstream connections,
  // so a balancer could send a request on a connection this server is closing at that moment.
  (app.getHttpServer() as Server).keepAliveTimeout = config.keepAliveTimeoutMs;
  await app.listen(config.port, config.host);
  logger.info(
    {
      port: config.port,
      role: config.role,
      database: config.databaseUrl ? 'postgres' : 'sqlite',
      data_dir: config.dataDir,
    },
    config.role === 'worker'
      ? `Payrail worker running jobs; /health and /metrics on port ${config.port}`
      : `Payrail API listening on ${config.tls ? 'https' : 'http'}://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port} (docs at /docs)`,
  );
}

main().catch((error: Error) => {
  process.stderr.write(`Payrail failed to start: ${error.message}\n`);
  process.exit(1);
});

import type { DynamicModule, INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { appendFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { ApiKeyService, MerchantService } from '@payrail/identity';
import { ConnectionService } from '@payrail/gateways';
import { InMemoryGateway, InMemoryGatewayPlugin } from '@payrail/plugin-sdk/testing';
import {
  describeWithDatabase,
  provisionTestDatabase,
  testDatabaseKind,
  type TestDatabase,
} from '@payrail/testing';
import { loadConfig, type PayrailConfig } from '../src/app/config';
import { createApp } from '../src/app/create-app';
import { createRootLogger } from '../src/app/logging';
import { keepTestArtifacts } from './test-artifacts';

export interface TestApi {
  app: INestApplication;
  url: string;
  database: TestDatabase;
  config: PayrailConfig;
  merchantId: string;
  /** A test-mode secret key of the default merchant. */
  apiKey: string;
  /** Every line the API logged, for leak checks. */
  logs: string[];
  memory?: InMemoryGateway;
  memoryConnectionId?: string;
  close(): Promise<void>;
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }>;
}

export interface TestApiOptions {
  /** Add the in-memory gateway with a default test connection. */
  memory?: boolean;
  plugins?: DynamicModule[];
  env?: Record<string, string>;
  /** Start on this database and leave it in place on close (a restart of the same instance). */
  database?: TestDatabase;
}

/** Where the database suite runs now, in a title: `(sqlite)` or `(postgres)`. */
export const dbLabel = `(${testDatabaseKind()})`;

/**
 * `describe` for suites that need this run's database; a jest skip, with the reason printed
 * once, when PostgreSQL was asked for and none can be had.
 */
export const describeDb = describeWithDatabase();

/**
 * Boots the API on a free port against a fresh database: SQLite in a temp folder, or
 * PostgreSQL (`PAYRAIL_TEST_DB=postgres`) from TEST_DATABASE_URL or Testcontainers. Call it
 * inside `describeDb`, which skips the suite when that database cannot be had.
 */
export async function startTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const database = options.database ?? (await provisionTestDatabase());
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    PAYRAIL_DATA_DIR: database.dataDir,
    DATABASE_URL: database.databaseUrl,
    PAYRAIL_SANDBOX: 'off',
    PAYRAIL_ADMIN_EMAIL: 'owner@example.com',
    PAYRAIL_ADMIN_PASSWORD: 'correct-horse-battery-staple',
    LOG_LEVEL: 'info',
    ...options.env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      // As the API's own file destination would (PAYRAIL_LOG_FILE), for specs that read it.
      if (config.logFile) appendFileSync(config.logFile, String(chunk));
      done();
    },
  });
  const logger = createRootLogger(config.logLevel, sink as unknown as pino.DestinationStream);
  const memory = options.memory ? new InMemoryGateway() : undefined;
  // Without plugins given, the app composes the ones its configuration enables.
  const plugins =
    options.plugins || memory
      ? [...(options.plugins ?? []), ...(memory ? [InMemoryGatewayPlugin.forRoot(memory)] : [])]
      : undefined;
  const app = await createApp(config, { logger, plugins, schema: database.schema });
  try {
    await app.listen(config.port || 0, '127.0.0.1');
  } catch (error) {
    // A port chosen beforehand can be taken meanwhile: leave nothing running, so the caller can try another.
    await app.close().catch(() => undefined);
    throw error;
  }
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const merchant = await app.get(MerchantService).ensureDefault();
  const { secret } = await app.get(ApiKeyService).create({ merchantId: merchant.id, mode: 'test' });
  let memoryConnectionId: string | undefined;
  if (memory) {
    const connection = await app.get(ConnectionService).create({
      merchantId: merchant.id,
      gateway: 'memory',
      mode: 'test',
      values: { apiKey: 'mem_test_harness', webhookSecret: 'memory-webhook-secret' },
      isDefault: true,
    });
    memoryConnectionId = connection.id;
  }
  const request: TestApi['request'] = async (method, path, body, headers = {}) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${secret}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
  return {
    app,
    url,
    database,
    config,
    merchantId: merchant.id,
    apiKey: secret,
    logs,
    memory,
    memoryConnectionId,
    request,
    close: async () => {
      await keepTestArtifacts({ app, database, logs });
      await app.close();
      if (!options.database) await database.drop();
    },
  };
}

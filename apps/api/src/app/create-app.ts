import { NestFactory } from '@nestjs/core';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import type { HttpsOptions } from '@nestjs/common/interfaces/external/https-options.interface';
import type { TlsOptions } from 'node:tls';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { httpMetrics } from '@payrail/monitoring';
import { CheckoutCorsMiddleware } from '@payrail/payment-sessions';
import { loadKeyring } from '@payrail/secrets';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module';
import { BODY_LIMITS, bodyReader } from './body-reader';
import { BootstrapService } from './bootstrap.service';
import { serveConsole } from './console-static';
import type { PayrailConfig } from './config';
import { ProcessLifecycle, workerRoutesOnly } from './lifecycle';
import { JsonLogger, requestContext } from './logging';
import { ReadinessService } from './readiness.service';
import { fixedHeaders, securityHeaders } from './security-headers';

/** The oldest TLS version the API's own HTTPS listener accepts. */
export const TLS_MIN_VERSION = 'TLSv1.2';

/** Nest's type omits `minVersion`; https.createServer takes every TLS option. */
function httpsOptions(tls: NonNullable<PayrailConfig['tls']>): HttpsOptions {
  const options: HttpsOptions & Pick<TlsOptions, 'minVersion'> = { ...tls, minVersion: TLS_MIN_VERSION };
  return options;
}

export interface CreateAppOptions {
  logger: Logger;
  plugins?: DynamicModule[];
  schema?: string;
  /** Where a generated owner password is shown (once). */
  announce?: (message: string) => void;
}

/** Builds the API: the same for `npm start` and for the tests. */
export async function createApp(config: PayrailConfig, options: CreateAppOptions): Promise<INestApplication> {
  const keyring = loadKeyring({
    masterKey: config.masterKey,
    previousKeys: process.env['PAYRAIL_MASTER_KEY_PREVIOUS'],
    production: config.production,
    dataDir: config.dataDir,
    warn: (message) => options.logger.warn(message),
  });
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({
      config,
      keyring,
      plugins: options.plugins,
      schema: options.schema,
      seed: {
        sandboxConnections: true,
        announce: options.announce ?? ((message) => options.logger.warn(message)),
      },
    }),
    // Bodies are read by `bodyReader`, after the request has its id, so every refusal carries it.
    {
      bodyParser: false,
      logger: new JsonLogger(options.logger),
      abortOnError: false,
      // Closing ends the kept-alive connections too (gateways deliver webhooks over them), rather
      // than waiting for each to time out; a signal's drain has let the requests in flight finish.
      forceCloseConnections: true,
      ...(config.tls ? { httpsOptions: httpsOptions(config.tls) } : {}),
    },
  );
  // Helmet sends nosniff, Referrer-Policy and the rest; the CSP and Cache-Control are Payrail's own, per path.
  app.use(
    fixedHeaders(
      helmet({
        contentSecurityPolicy: false,
        frameguard: { action: 'deny' },
        referrerPolicy: { policy: 'no-referrer' },
        // HSTS only where clients reach Payrail over HTTPS: served here, or by the trusted proxy in front.
        strictTransportSecurity:
          config.tls || config.trustProxy.length ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      }),
    ),
  );
  const lifecycle = app.get(ProcessLifecycle);
  app.use(lifecycle.track);
  if (config.role === 'worker') app.use(workerRoutesOnly);
  app.use(httpMetrics());
  app.use(securityHeaders());
  app.use(requestContext(options.logger, { everyLine: config.logRequestIds === 'all' }));
  app.use(bodyReader(BODY_LIMITS, (req) => !req.path.startsWith('/webhooks/')));
  // The browser's two session calls answer only the merchant's registered origins (CORS), before any route.
  const cors = app.get(CheckoutCorsMiddleware);
  app.use((req: Request, res: Response, next: NextFunction) => void cors.use(req, res, next).catch(next));
  // Only the configured proxies may say who the client is (X-Forwarded-For) or that TLS was used.
  app.set('trust proxy', config.trustProxy.length ? config.trustProxy : false);
  // No answer is fetched conditionally (the API's are no-store, the console's files carry their own):
  // no ETag to hash for each.
  app.set('etag', false);
  // No enableShutdownHooks: a signal drains first (see shutdown.ts), then closes the modules.

  // Built on the first request for it, not at start: most processes never serve it.
  const document = () =>
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Payrail API')
        .setDescription(
          'One REST API for every payment gateway. Amounts are integers in the currency minor unit; POST requests take an Idempotency-Key.',
        )
        .setVersion('1')
        .addBearerAuth({
          type: 'http',
          scheme: 'bearer',
          description: 'A merchant secret key: pr_test_… or pr_live_…',
        })
        .build(),
    );
  if (config.role !== 'worker') SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  if (config.role !== 'worker' && config.consoleDir && !serveConsole(app, config.consoleDir)) {
    options.logger.info(
      { console_dir: config.consoleDir },
      'no console build found: run `npx nx build console` (or `npm start`) to serve the console at /',
    );
  }

  await app.init();
  await startWhenSchemaIsCurrent(app, config, options.logger);
  return app;
}

/**
 * `all` migrated at start; `api` and `worker` wait for `payrail migrate`, not ready meanwhile,
 * then seed (the API) and sweep recovery (where jobs run) once the schema is current.
 */
async function startWhenSchemaIsCurrent(
  app: INestApplication,
  config: PayrailConfig,
  logger: Logger,
): Promise<void> {
  const lifecycle = app.get(ProcessLifecycle);
  const readiness = app.get(ReadinessService);
  const bootstrap = app.get(BootstrapService);
  const start = async () => {
    await bootstrap.prepare();
    if (config.role !== 'worker') await bootstrap.seed();
    if (config.jobs) bootstrap.startRecovery();
    lifecycle.markStarted();
  };
  if (await readiness.schemaIsCurrent()) return start();
  const reason = 'the database schema is behind this version: run `payrail migrate`';
  lifecycle.waitFor(reason);
  logger.warn(`${reason}; not ready until then`);
  const poll = setInterval(() => {
    if (lifecycle.isDraining) return clearInterval(poll);
    void readiness
      .schemaIsCurrent()
      .then(async (current) => {
        if (!current) return;
        clearInterval(poll);
        await start();
        logger.info('the database schema is current: ready');
      })
      .catch((error: Error) => logger.warn(`checking the schema failed: ${error.message}`));
  }, 2000);
  poll.unref();
}

import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { CheckoutOriginsService } from './checkout-origins.service';
import { PAYMENT_SESSIONS_OPTIONS, type PaymentSessionsOptions } from './payment-sessions.options';
import { PaymentSessionsService } from './payment-sessions.service';

const CLIENT_PATH = /^\/v1\/payment_sessions\/([^/]+)\/(client|confirm|gateway_order)$/;

/**
 * CORS for the routes a browser calls with a client secret: only the origins the session's
 * merchant registered (and the API's own, for the hosted page) may call them. A request from
 * any other origin is refused before the route runs, so a cross-site form post cannot confirm.
 */
@Injectable()
export class CheckoutCorsMiddleware implements NestMiddleware {
  private readonly ownOrigin: string;

  constructor(
    private readonly sessions: PaymentSessionsService,
    private readonly origins: CheckoutOriginsService,
    @Inject(PAYMENT_SESSIONS_OPTIONS) options: PaymentSessionsOptions,
  ) {
    this.ownOrigin = new URL(options.publicUrl).origin;
  }

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const match = CLIENT_PATH.exec(req.path);
    const origin = req.header('origin');
    if (!match) return next();
    res.setHeader('Vary', 'Origin');
    if (!origin) return next();
    let allowed = origin === this.ownOrigin;
    if (!allowed) {
      const session = await this.sessions.findById(decodeURIComponent(match[1])).catch(() => null);
      allowed = !!session && (await this.origins.allows(session.merchantId, origin));
    }
    if (!allowed) {
      res.status(403).json({
        error: {
          type: 'permission_error',
          code: 'origin_not_allowed',
          message: `${origin} is not a checkout origin of this merchant: register it with PUT /v1/checkout/origins`,
        },
      });
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', match[2] === 'client' ? 'GET' : 'POST');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  }
}

import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiError } from '@payrail/api-contract';
import type { ApiKey } from './api-key.entity';
import { ApiKeyFailureLimiter, ApiKeyRequestLimiter } from './api-key-limiter';
import { ApiKeyService, type ApiKeyScope } from './api-key.service';

export interface ApiKeyRequest extends Request {
  merchantId?: string;
  apiKey?: ApiKey;
}

/**
 * Authenticates `/v1` routes with a merchant secret key and checks its scopes. Never says which
 * part of a bad key was wrong; repeated failures from one address get 429, and so does a key past
 * its request limit.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly keys: ApiKeyService,
    private readonly limiter: ApiKeyFailureLimiter,
    private readonly requests: ApiKeyRequestLimiter,
  ) {}

  canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    return this.authorize(http.getRequest<ApiKeyRequest>(), http.getResponse<Response>(), []);
  }

  async authorize(req: ApiKeyRequest, res: Response, scopes: readonly ApiKeyScope[]): Promise<boolean> {
    if (!req.apiKey) {
      const header = req.header('authorization') ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const authenticated = match ? await this.keys.authenticate(match[1]) : null;
      if (!authenticated) {
        await this.limiter.fail(req.ip ?? 'unknown', res);
        throw new ApiError(401, {
          type: 'authentication_error',
          code: 'unauthenticated',
          message: 'a valid secret API key is required: Authorization: Bearer pr_test_… or pr_live_…',
        });
      }
      await this.requests.count(authenticated.key.id, res);
      req.merchantId = authenticated.merchant.id;
      req.apiKey = authenticated.key;
    }
    const missing = scopes.filter((scope) => !req.apiKey?.scopes.includes(scope));
    if (missing.length) {
      throw new ApiError(403, {
        type: 'permission_error',
        code: 'insufficient_scope',
        message: `this API key lacks the scope ${missing.join(', ')} that this request needs`,
        param: 'scope',
      });
    }
    return true;
  }
}

import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '@payrail/api-contract';
import type { ApiKey } from './api-key.entity';
import { ApiKeyService } from './api-key.service';

export interface ApiKeyRequest extends Request {
  merchantId?: string;
  apiKey?: ApiKey;
}

/** Authenticates `/v1` routes with a merchant secret key; never says which part of a bad key was wrong. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly keys: ApiKeyService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<ApiKeyRequest>();
    const header = req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const authenticated = match ? await this.keys.authenticate(match[1]) : null;
    if (!authenticated) {
      throw new ApiError(401, {
        type: 'authentication_error',
        code: 'unauthenticated',
        message: 'a valid secret API key is required: Authorization: Bearer pr_test_… or pr_live_…',
      });
    }
    req.merchantId = authenticated.merchant.id;
    req.apiKey = authenticated.key;
    return true;
  }
}

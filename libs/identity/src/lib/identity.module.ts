import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessGuard } from './access.guard';
import { ApiKeysController } from './api-keys.controller';
import { AuthController } from './auth.controller';
import { AuthRateLimits } from './auth-rate-limits';
import { ConsoleUsersService } from './console-users.service';
import { MerchantsController } from './merchants.controller';
import { UsersController } from './users.controller';
import { ApiKeyFailureLimiter, ApiKeyRequestLimiter } from './api-key-limiter';
import { ApiKey } from './api-key.entity';
import { ApiKeyService } from './api-key.service';
import { ApiKeyGuard } from './api-key.guard';
import { Clock } from './clock';
import { ConsoleSession } from './console-session.entity';
import { IdentityAudit } from './identity-audit';
import { Merchant } from './merchant.entity';
import { MerchantService } from './merchant.service';
import { OwnerBootstrapService } from './owner-bootstrap.service';
import { RoleAssignment } from './role-assignment.entity';
import { SessionService } from './session.service';
import { User } from './user.entity';

export const IDENTITY_ENTITIES = [Merchant, ApiKey, User, RoleAssignment, ConsoleSession];

/**
 * Merchants, console users, roles, sessions and API keys. Registers the global `AccessGuard`:
 * every route of the app is `@Public()`, `@ApiKeyAuth()`, or a console route with a policy.
 */
@Module({
  // The limiters' counters come from the app's global RateLimitModule (memory or Redis).
  imports: [TypeOrmModule.forFeature(IDENTITY_ENTITIES)],
  controllers: [AuthController, UsersController, MerchantsController, ApiKeysController],
  providers: [
    Clock,
    ConsoleUsersService,
    AuthRateLimits,
    ApiKeyService,
    MerchantService,
    OwnerBootstrapService,
    ApiKeyGuard,
    ApiKeyFailureLimiter,
    ApiKeyRequestLimiter,
    SessionService,
    IdentityAudit,
    AccessGuard,
    { provide: APP_GUARD, useExisting: AccessGuard },
  ],
  exports: [
    Clock,
    ApiKeyService,
    MerchantService,
    OwnerBootstrapService,
    ApiKeyGuard,
    ApiKeyFailureLimiter,
    ApiKeyRequestLimiter,
    SessionService,
  ],
})
export class IdentityModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKey } from './api-key.entity';
import { ApiKeyService } from './api-key.service';
import { ApiKeyGuard } from './api-key.guard';
import { Merchant } from './merchant.entity';
import { MerchantService } from './merchant.service';
import { OwnerBootstrapService } from './owner-bootstrap.service';
import { RoleAssignment } from './role-assignment.entity';
import { User } from './user.entity';

export const IDENTITY_ENTITIES = [Merchant, ApiKey, User, RoleAssignment];

@Module({
  imports: [TypeOrmModule.forFeature(IDENTITY_ENTITIES)],
  providers: [ApiKeyService, MerchantService, OwnerBootstrapService, ApiKeyGuard],
  exports: [ApiKeyService, MerchantService, OwnerBootstrapService, ApiKeyGuard],
})
export class IdentityModule {}

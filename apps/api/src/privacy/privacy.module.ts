import { Module } from '@nestjs/common';
import { PaymentsModule } from '@payrail/payments';
import { PrivacyRequestsController } from './privacy-requests.controller';
import { PrivacyRequestsService } from './privacy-requests.service';
import { RetentionController } from './retention.controller';
import { RetentionSchedule } from './retention.schedule';
import { RetentionService } from './retention.service';

/** Data subject requests, legal holds and retention. */
@Module({
  imports: [PaymentsModule],
  controllers: [RetentionController, PrivacyRequestsController],
  providers: [RetentionService, RetentionSchedule, PrivacyRequestsService],
  exports: [RetentionService, PrivacyRequestsService],
})
export class PrivacyModule {}

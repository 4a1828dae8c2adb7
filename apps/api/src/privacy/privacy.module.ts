import { Module } from '@nestjs/common';
import { RetentionController } from './retention.controller';
import { RetentionSchedule } from './retention.schedule';
import { RetentionService } from './retention.service';

/** Data subject requests, legal holds and retention. */
@Module({
  controllers: [RetentionController],
  providers: [RetentionService, RetentionSchedule],
  exports: [RetentionService],
})
export class PrivacyModule {}

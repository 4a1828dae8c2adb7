import { Module, type DynamicModule } from '@nestjs/common';
import { PaymentsModule } from './payments.module';
import {
  RECOVERY_SWEEP_INTERVAL_MS,
  RECOVERY_SWEEP_INTERVAL_MS_TOKEN,
  RecoverySchedule,
} from './recovery.service';

/** Schedules the recovery sweep on the job queue (needs `JobsModule`). */
@Module({})
export class RecoveryJobsModule {
  static forRoot(options: { intervalMs?: number } = {}): DynamicModule {
    return {
      module: RecoveryJobsModule,
      imports: [PaymentsModule],
      providers: [
        {
          provide: RECOVERY_SWEEP_INTERVAL_MS_TOKEN,
          useValue: options.intervalMs ?? RECOVERY_SWEEP_INTERVAL_MS,
        },
        RecoverySchedule,
      ],
    };
  }
}

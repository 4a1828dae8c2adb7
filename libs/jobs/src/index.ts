export * from './lib/job-queue';
export * from './lib/job.entity';
export * from './lib/database-job-queue';
export * from './lib/jobs.module';
import { Job } from './lib/job.entity';

export const JOB_ENTITIES = [Job];

/** Wire types of the job queue's admin view (snake_case). */

export type JobStateName = 'waiting' | 'active' | 'retrying' | 'completed' | 'dead';

export interface JobQueueStatsResource {
  queue: string;
  waiting: number;
  active: number;
  retrying: number;
  completed: number;
  dead: number;
}

export interface JobQueuesResource {
  object: 'list';
  backend: 'database' | 'bullmq';
  data: JobQueueStatsResource[];
}

export interface JobResource {
  id: string;
  object: 'job';
  queue: string;
  state: JobStateName;
  attempts: number;
  max_attempts: number;
  payload: unknown;
  last_error: string | null;
  run_at: string | null;
  created_at: string;
  finished_at: string | null;
}

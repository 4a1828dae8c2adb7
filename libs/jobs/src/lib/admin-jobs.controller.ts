import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiError, type JobQueuesResource, type JobResource } from '@payrail/api-contract';
import type { Request } from 'express';
import { AuditService } from '@payrail/audit';
import { CurrentAdmin, RequirePolicy, type AdminPrincipal } from '@payrail/identity';
import { JobQueue, JobQueueError, JOB_STATES, type JobState, type JobView } from './job-queue';

function present(job: JobView): JobResource {
  return {
    id: job.id,
    object: 'job',
    queue: job.queue,
    state: job.state,
    attempts: job.attempts,
    max_attempts: job.maxAttempts,
    payload: job.payload,
    last_error: job.lastError,
    run_at: job.runAt?.toISOString() ?? null,
    created_at: job.createdAt.toISOString(),
    finished_at: job.finishedAt?.toISOString() ?? null,
  };
}

async function answer<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof JobQueueError) {
      throw new ApiError(error.status, {
        type: 'invalid_request_error',
        code:
          error.status === 404
            ? 'resource_missing'
            : error.status === 409
              ? 'job_not_retryable'
              : 'parameter_invalid',
        message: error.message,
        param: error.param,
      });
    }
    throw error;
  }
}

/** The console's view of background work: queue depths, failed and dead jobs, and a retry. */
@ApiTags('admin')
@Controller('admin/jobs')
export class AdminJobsController {
  constructor(
    private readonly jobs: JobQueue,
    private readonly audit: AuditService,
  ) {}

  @Get('queues')
  @RequirePolicy('read', 'Job')
  @ApiOperation({ summary: 'Each queue with its jobs counted by state' })
  async queues(): Promise<JobQueuesResource> {
    return { object: 'list', backend: this.jobs.backend, data: await this.jobs.stats() };
  }

  @Get()
  @RequirePolicy('read', 'Job')
  @ApiOperation({
    summary:
      'Jobs, newest first; filter by queue and state (retrying = failed, waiting for its next try; dead = out of tries)',
  })
  async list(
    @Query('queue') queue?: string,
    @Query('state') state?: string,
    @Query('limit') limit?: string,
  ): Promise<{ object: 'list'; data: JobResource[] }> {
    if (state !== undefined && !JOB_STATES.includes(state as JobState))
      throw ApiError.invalid('state', `state must be one of ${JOB_STATES.join(', ')}`);
    if (limit !== undefined && !/^\d+$/.test(limit))
      throw ApiError.invalid('limit', 'limit must be an integer from 1 to 200');
    const rows = await answer(() =>
      this.jobs.list({
        queue,
        state: state as JobState | undefined,
        limit: limit === undefined ? undefined : Number(limit),
      }),
    );
    return { object: 'list', data: rows.map(present) };
  }

  @Get(':id')
  @RequirePolicy('read', 'Job')
  async get(@Param('id') id: string): Promise<JobResource> {
    const job = await this.jobs.get(id);
    if (!job) throw ApiError.notFound('job', id);
    return present(job);
  }

  @Post(':id/retry')
  @HttpCode(202)
  @RequirePolicy('retry', 'Job')
  @ApiOperation({ summary: 'Run a dead or retrying job again now, with one more try' })
  async retry(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
    @Req() req: Request & { requestId?: string },
  ): Promise<JobResource> {
    const job = await answer(() => this.jobs.retry(id));
    await this.audit.record({
      actor: { type: 'user', id: admin.userId },
      origin: {
        ip: req.ip ?? null,
        userAgent: req.header('user-agent') ?? null,
        requestId: req.requestId ?? null,
      },
      action: 'job.retried',
      resource: { type: 'job', id },
      reason: `${job.queue}: ${job.lastError ?? 'retried by hand'}`.slice(0, 500),
    });
    return present(job);
  }
}

import { describeWithPostgres, describeWithRedis, postgresAvailability } from '@payrail/testing';

/** `describe` when PostgreSQL and Redis both answer, else a jest skip naming the missing one. */
export const describePostgresAndRedis: jest.Describe = postgresAvailability().available
  ? describeWithRedis()
  : describeWithPostgres();

export function redisTestUrl(): string {
  return process.env['REDIS_URL_TEST'] || 'redis://127.0.0.1:6379';
}

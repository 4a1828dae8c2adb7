import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { postgresAvailability, redisAvailability } from '@payrail/testing';
import { root } from './support/processes';

/**
 * docker/smoke.sh as a step of `npm test`: where a Docker engine answers (CI starts one, see
 * scripts/ci-prepare.sh) and PostgreSQL and Redis do, the image is built and run; elsewhere the
 * spec is skipped, saying why.
 */
function whySkipped(): string | null {
  const engine = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], {
    encoding: 'utf8',
    timeout: 15_000,
  });
  if (engine.status !== 0) return 'no Docker engine answers';
  const postgres = postgresAvailability();
  if (!postgres.available || !process.env['TEST_DATABASE_URL'])
    return 'the smoke test needs TEST_DATABASE_URL';
  const redis = redisAvailability();
  if (!redis.available) return redis.reason;
  return null;
}

const reason = whySkipped();
const title = 'the image builds, migrates, serves two APIs and a worker, and keeps its data across restarts';

describe('docker/smoke.sh', () => {
  (reason ? it.skip : it)(
    reason ? `${title} [skipped: ${reason}]` : title,
    () => {
      const result = spawnSync('bash', [join(root, 'docker/smoke.sh')], {
        cwd: root,
        encoding: 'utf8',
        timeout: 540_000,
        env: { ...process.env },
      });
      process.stdout.write(result.stdout);
      if (result.status !== 0)
        throw new Error(
          `docker/smoke.sh failed (${result.status ?? result.signal}):\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`,
        );
      expect(result.stdout).toMatch(/\[smoke\] passed in \d+ s/);
    },
    600_000,
  );
});

import { spawn, spawnSync } from 'node:child_process';
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
    async () => {
      const result = await runSmoke(540_000);
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

/**
 * Runs docker/smoke.sh in a process group of its own: past the timeout the whole group gets
 * SIGTERM (the script's `docker build` or `docker run` too, not only bash, which would wait for
 * them), so its cleanup runs and nothing is left building on the engine.
 */
function runSmoke(
  timeoutMs: number,
): Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [join(root, 'docker/smoke.sh')], {
      cwd: root,
      env: { ...process.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const group = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      group('SIGTERM');
      setTimeout(() => group('SIGKILL'), 15_000).unref();
    }, timeoutMs);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

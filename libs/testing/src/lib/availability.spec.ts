import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const probe = (service: string, env: Record<string, string>) => {
  const result = spawnSync(process.execPath, [join(__dirname, '..', '..', 'probe-services.mjs'), service], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return JSON.parse(result.stdout) as { available: boolean; reason?: string };
};

/** A port nothing listens on: taken, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs `check` against the module loaded afresh (its verdicts are cached) under this environment. */
function withEnv(env: Record<string, string>, check: (m: typeof import('./availability')) => void): void {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    jest.isolateModules(() => check(jest.requireActual('./availability')));
  } finally {
    process.env = saved;
  }
}

describe('whether a suite can have its database', () => {
  it('names PostgreSQL that does not answer, without its credentials', async () => {
    const port = await closedPort();
    const verdict = probe('postgres', {
      TEST_DATABASE_URL: `postgres://user:sandbox-only@127.0.0.1:${port}/db`,
    });
    expect(verdict.available).toBe(false);
    expect(verdict.reason).toContain(`postgres://127.0.0.1:${port}/db did not answer`);
    expect(verdict.reason).not.toContain('sandbox-only');
  }, 20_000);

  it('says REDIS_URL_TEST is missing when it is', () => {
    expect(probe('redis', { REDIS_URL_TEST: '' })).toEqual({
      available: false,
      reason: expect.stringMatching(/REDIS_URL_TEST is not set/),
    });
  });

  it('runs SQLite suites, and skips PostgreSQL ones with the verdict the runner handed down', () => {
    withEnv({ PAYRAIL_TEST_DB: 'sqlite' }, (m) => expect(m.describeWithDatabase()).toBe(describe));
    withEnv(
      {
        PAYRAIL_TEST_DB: 'postgres',
        PAYRAIL_PROBED_POSTGRES: 'PostgreSQL at postgres://db.invalid did not answer',
        PAYRAIL_PROBES_ANNOUNCED: '1',
      },
      (m) => {
        expect(m.testDatabaseAvailability()).toEqual({
          available: false,
          reason: 'PostgreSQL at postgres://db.invalid did not answer',
        });
        expect(m.describeWithDatabase()).not.toBe(describe);
      },
    );
    withEnv({ PAYRAIL_TEST_DB: 'postgres', PAYRAIL_PROBED_POSTGRES: 'available' }, (m) =>
      expect(m.describeWithDatabase()).toBe(describe),
    );
  });
});

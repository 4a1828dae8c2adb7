import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** docker/prometheus in this repository. */
function prometheusDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) dir = join(dir, '..');
  return join(dir, 'docker', 'prometheus');
}

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const available = promtool.status === 0;
// Without promtool (Debian package `prometheus`; .ci installs it) the suite is a skip that says why.
const describePromtool = available
  ? describe
  : (name: string, fn: () => void) =>
      describe.skip(`${name} [skipped: promtool is not installed (apt-get install prometheus)]`, fn);

const run = (...args: string[]) =>
  spawnSync('promtool', args, { cwd: prometheusDir(), encoding: 'utf8', timeout: 60_000 });

describePromtool('the shipped Prometheus rules', () => {
  it('pass promtool check rules', () => {
    const result = run('check', 'rules', 'rules/payrail.yml');
    expect(result.stdout + result.stderr).toMatch(/SUCCESS: \d+ rules found/);
    expect(result.status).toBe(0);
  });

  it('fire at 2 % errors against a 99.9 % SLO, stay quiet at 0.05 %, and fire on a success rate under 80 %', () => {
    const result = run('test', 'rules', 'tests/payrail-rules.test.yml');
    expect(result.stdout + result.stderr).toMatch(/SUCCESS/);
    expect(result.status).toBe(0);
  });
});

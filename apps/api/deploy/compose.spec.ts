import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { root } from './support/processes';

const composeFile = join(root, 'docker/compose.yaml');
const compose = parse(readFileSync(composeFile, 'utf8'), { merge: true });

/** `docker compose` where the plugin is installed (it interpolates and checks the file as Compose does). */
const dockerCompose = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0;

describe('docker/compose.yaml', () => {
  it("validates against the Compose specification's JSON schema", () => {
    // The schema the docker-compose package ships: no network needed.
    const schema = JSON.parse(
      readFileSync(join(root, 'node_modules/docker-compose/schema/compose-spec.json'), 'utf8'),
    );
    delete schema.$schema; // draft-07, which Ajv knows without its meta-schema's address
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(schema);
    expect(validate(compose) ? [] : validate.errors).toEqual([]);
  });

  (dockerCompose ? it : it.skip)('passes `docker compose config` with the example environment', () => {
    const result = spawnSync(
      'docker',
      [
        'compose',
        '-f',
        composeFile,
        '--env-file',
        join(root, 'docker/.env.example'),
        '--profile',
        'monitoring',
        'config',
        '-q',
      ],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          POSTGRES_PASSWORD: 'example-only',
          REDIS_PASSWORD: 'example-only',
          PAYRAIL_MASTER_KEY: Buffer.alloc(32, 1).toString('base64'),
          GRAFANA_ADMIN_PASSWORD: 'example-only',
        },
      },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('pins every image to a version and gives the data stores health checks and named volumes at their data paths', () => {
    for (const [name, service] of Object.entries<any>(compose.services)) {
      if (!service.image || String(service.image).startsWith('${PAYRAIL_IMAGE')) continue;
      expect([name, service.image]).toEqual([name, expect.stringMatching(/:v?\d+\.\d+(\.\d+)?(-[a-z]+)?$/)]);
    }
    expect(compose.services.postgres.healthcheck.test.join(' ')).toContain('pg_isready');
    expect(compose.services.redis.healthcheck.test.join(' ')).toContain('ping');
    expect(compose.services.postgres.volumes).toContain('postgres-data:/var/lib/postgresql/data');
    expect(compose.services.redis.volumes).toContain('redis-data:/data');
    expect(compose.services.redis.command).toContain('--appendonly');
    for (const volume of ['postgres-data', 'redis-data', 'caddy-data'])
      expect(compose.volumes).toHaveProperty(volume);
  });

  it('runs the migration once, before the api and the worker, which take their roles', () => {
    expect(compose.services.migrate.command).toEqual(['migrate']);
    expect(compose.services.migrate.restart).toBe('no');
    expect(compose.services.migrate.depends_on.postgres.condition).toBe('service_healthy');
    for (const role of ['api', 'worker']) {
      const service = compose.services[role];
      expect(service.depends_on.migrate.condition).toBe('service_completed_successfully');
      expect(service.environment.PAYRAIL_ROLE).toBe(role);
      expect(service.environment.NODE_ENV).toBe('production');
      // Scalable: no fixed container name or host port.
      expect(service.container_name).toBeUndefined();
      expect(service.ports).toBeUndefined();
    }
    expect(compose.services.proxy.volumes).toContain('./caddy/Caddyfile:/etc/caddy/Caddyfile:ro');
    expect(readFileSync(join(root, 'docker/caddy/Caddyfile'), 'utf8')).toMatch(/tls internal/);
  });

  it('takes every secret from the .env file, whose example holds no values', () => {
    const text = readFileSync(composeFile, 'utf8');
    for (const secret of [
      'POSTGRES_PASSWORD',
      'REDIS_PASSWORD',
      'PAYRAIL_MASTER_KEY',
      'GRAFANA_ADMIN_PASSWORD',
    ])
      expect(text).toContain(`\${${secret}:?`);
    const example = readFileSync(join(root, 'docker/.env.example'), 'utf8');
    for (const secret of [
      'POSTGRES_PASSWORD',
      'REDIS_PASSWORD',
      'PAYRAIL_MASTER_KEY',
      'GRAFANA_ADMIN_PASSWORD',
    ])
      expect(example).toMatch(new RegExp(`^${secret}=$`, 'm'));
  });

  it('has a monitoring profile: Prometheus with the shipped rules and Grafana with a provisioned dashboard', () => {
    expect(compose.services.prometheus.profiles).toEqual(['monitoring']);
    expect(compose.services.grafana.profiles).toEqual(['monitoring']);
    expect(compose.services.prometheus.volumes).toContain('./prometheus/rules:/etc/prometheus/rules:ro');
    const prometheus = parse(readFileSync(join(root, 'docker/prometheus/prometheus.yml'), 'utf8'));
    expect(prometheus.rule_files).toEqual(['/etc/prometheus/rules/*.yml']);
    expect(prometheus.scrape_configs.map((c: any) => c.job_name)).toEqual(['payrail-api', 'payrail-worker']);
    const dashboard = JSON.parse(
      readFileSync(join(root, 'docker/grafana/dashboards/payrail-overview.json'), 'utf8'),
    );
    expect(dashboard.panels.length).toBeGreaterThan(0);
  });
});

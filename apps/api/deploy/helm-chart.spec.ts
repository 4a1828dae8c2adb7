import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './support/processes';
import { renderChart } from './support/helm-template';

const chartDir = join(root, 'docker/helm/payrail');
const kinds = (objects: Array<{ object: any }>, kind: string) =>
  objects.filter((o) => o.object.kind === kind).map((o) => o.object);

describe('the Helm chart (docker/helm/payrail)', () => {
  const { objects, values } = renderChart(chartDir);
  const deployments = kinds(objects, 'Deployment');
  const byRole = (role: string) =>
    deployments.find((d) => d.spec.template.metadata.labels['app.kubernetes.io/component'] === role);

  it('renders an api and a worker Deployment, each with its own role and autoscaler', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['rel-payrail-api', 'rel-payrail-worker']);
    for (const role of ['api', 'worker']) {
      const container = byRole(role).spec.template.spec.containers[0];
      expect(container.env).toContainEqual({ name: 'PAYRAIL_ROLE', value: role });
      expect(container.args).toEqual(['server']);
    }
    const hpas = kinds(objects, 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.spec.scaleTargetRef.name).sort()).toEqual([
      'rel-payrail-api',
      'rel-payrail-worker',
    ]);
    expect(hpas.find((h) => h.metadata.name === 'rel-payrail-api').spec.minReplicas).toBe(2);
    // With autoscaling on, the Deployment leaves the replica count to the autoscaler.
    expect(byRole('api').spec.replicas).toBeUndefined();
    const fixed = renderChart(chartDir, { api: { autoscaling: { enabled: false }, replicas: 3 } });
    expect(kinds(fixed.objects, 'HorizontalPodAutoscaler').map((h) => h.metadata.name)).toEqual([
      'rel-payrail-worker',
    ]);
    expect(
      kinds(fixed.objects, 'Deployment').find((d) => d.metadata.name === 'rel-payrail-api').spec.replicas,
    ).toBe(3);
  });

  it('probes liveness and readiness apart, drains on preStop, and outlasts the drain', () => {
    for (const role of ['api', 'worker']) {
      const pod = byRole(role).spec.template.spec;
      const container = pod.containers[0];
      expect(container.livenessProbe.httpGet.path).toBe('/health/live');
      expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
      expect(container.lifecycle.preStop.sleep.seconds).toBeGreaterThan(0);
      const drainSeconds = container.lifecycle.preStop.sleep.seconds + values.shutdown.graceMs / 1000;
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(drainSeconds);
      expect(container.env).toContainEqual({
        name: 'PAYRAIL_SHUTDOWN_GRACE_MS',
        value: String(values.shutdown.graceMs),
      });
      expect(container.resources.requests).toMatchObject({
        cpu: expect.any(String),
        memory: expect.any(String),
      });
      expect(container.resources.limits.memory).toBeDefined();
    }
  });

  it('runs every container as the unprivileged user, read-only, with nothing to escalate', () => {
    const pods = [
      ...deployments.map((d) => d.spec.template.spec),
      ...kinds(objects, 'Job').map((j) => j.spec.template.spec),
    ];
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      expect(pod.securityContext.runAsUser).not.toBe(0);
      for (const container of pod.containers)
        expect(container.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
    }
  });

  it('migrates in a pre-install/pre-upgrade Job before the new pods', () => {
    const [job] = kinds(objects, 'Job');
    expect(job.metadata.annotations['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(job.spec.template.spec.containers[0].args).toEqual(['migrate']);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    // The settings it reads exist before it runs.
    const [config] = kinds(objects, 'ConfigMap');
    expect(Number(config.metadata.annotations['helm.sh/hook-weight'])).toBeLessThan(
      Number(job.metadata.annotations['helm.sh/hook-weight']),
    );
  });

  it('limits disruptions of each role', () => {
    const pdbs = kinds(objects, 'PodDisruptionBudget');
    expect(pdbs.map((p) => p.spec.selector.matchLabels['app.kubernetes.io/component']).sort()).toEqual([
      'api',
      'worker',
    ]);
    expect(pdbs.find((p) => p.metadata.name === 'rel-payrail-api').spec.minAvailable).toBeGreaterThanOrEqual(
      1,
    );
  });

  it('takes the master key and the database URL from a Secret reference, never from values', () => {
    for (const pod of [...deployments, ...kinds(objects, 'Job')].map((o) => o.spec.template.spec))
      expect(pod.containers[0].envFrom).toContainEqual({ secretRef: { name: values.existingSecret } });
    expect(kinds(objects, 'Secret')).toEqual([]);
    const raw = readFileSync(join(chartDir, 'values.yaml'), 'utf8');
    const settings = Object.keys(values.env);
    for (const secret of ['DATABASE_URL', 'REDIS_URL', 'PAYRAIL_MASTER_KEY', 'PAYRAIL_METRICS_TOKEN'])
      expect(settings).not.toContain(secret);
    expect(raw).not.toMatch(
      /postgres(ql)?:\/\/[^\s]*:[^\s]*@|redis:\/\/:[^\s]+@|sk_(test|live)_|pr_(test|live)_/,
    );
  });

  it('adds a ServiceMonitor and an Ingress only when asked', () => {
    expect(kinds(objects, 'ServiceMonitor')).toEqual([]);
    expect(kinds(objects, 'Ingress')).toEqual([]);
    const on = renderChart(chartDir, { serviceMonitor: { enabled: true }, ingress: { enabled: true } });
    const [monitor] = kinds(on.objects, 'ServiceMonitor');
    expect(monitor.spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s' }]);
    const [ingress] = kinds(on.objects, 'Ingress');
    expect(ingress.spec.rules[0].http.paths[0].backend.service.name).toBe('rel-payrail-api');
    expect(ingress.spec.tls[0].secretName).toBe('payrail-tls');
  });
});

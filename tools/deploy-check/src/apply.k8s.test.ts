/**
 * deploy/ against a real kube-apiserver (tools/kube-lab): every overlay applies with
 * `kubectl apply -k --server-side --validate=strict` (kubectl and its embedded kustomize, built
 * with the lab), after the Strimzi, Chaos Mesh and Prometheus Operator CRDs made from the
 * project's own schemas (crds.ts) were installed by the global setup. Then the workloads run:
 * Pod Security admission, the scheduler, the PersistentVolume binder and the Deployment and
 * StatefulSet controllers all had their say.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { DEPLOYMENTS, STATEFULSETS, untilReadyReplicas, type KubeObject, type ReplicatedObject, type ResourceType } from '@mirrorlab/kube';
import { connectKubeLab, type KubeLab } from '@mirrorlab/kube/testing';
import { CRD_KINDS } from './crds';
import { parseManifests } from './kustomize';
import { DEPLOY_DIR, REPO_ROOT } from './paths';

const CRDS: ResourceType = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  resource: 'customresourcedefinitions',
  kind: 'CustomResourceDefinition',
  namespaced: false,
};

/** deploy/overlays/<x> with a kustomization.yaml whose parent has none: what a user applies. */
function overlays(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (!statSync(path).isDirectory()) continue;
      if (existsSync(join(path, 'kustomization.yaml')) && !existsSync(join(dirname(path), 'kustomization.yaml'))) out.push(path);
      walk(path);
    }
  };
  walk(join(DEPLOY_DIR, 'overlays'));
  return out.sort();
}

let lab: KubeLab;
beforeAll(() => {
  lab = connectKubeLab();
});

test('the overlays found are the four a user applies', () => {
  expect(overlays().map((o) => relative(REPO_ROOT, o))).toEqual([
    'deploy/overlays/single-cluster',
    'deploy/overlays/single-cluster-plain',
    'deploy/overlays/two-regions/source-region',
    'deploy/overlays/two-regions/target-region',
  ]);
});

test("the CRDs made from the project's schemas are served, with /scale where Strimzi has it", async () => {
  for (const spec of CRD_KINDS) {
    const crd = await lab.admin.get<KubeObject>(CRDS, '', `${spec.plural}.${spec.group}`);
    const conditions = (crd.status?.conditions ?? []) as Array<{ type: string; status: string }>;
    expect(conditions.find((c) => c.type === 'Established')?.status).toBe('True');
    const version = (crd.spec?.versions as Array<{ subresources?: Record<string, unknown> }>)[0];
    expect(Object.keys(version.subresources ?? {}).sort()).toEqual([...(spec.scale ? ['scale'] : []), ...(spec.status ? ['status'] : [])]);
  }
});

describe.each(overlays().map((o) => [relative(REPO_ROOT, o), o]))('%s', (_name, dir) => {
  test('applies server-side with strict field validation: every rendered object, no warning', async () => {
    const rendered = await lab.kubectl(['kustomize', dir]);
    expect(rendered.stderr).toBe('');
    const objects = parseManifests(rendered.stdout, dir);
    const applied = await lab.kubectl([
      'apply',
      '-k',
      dir,
      '--server-side',
      '--validate=strict',
      '--field-manager=mirrorlab-tests',
      '--force-conflicts',
    ]);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const lines = applied.stdout.trim().split('\n');
    expect(lines).toHaveLength(objects.length);
    expect(lines.every((l) => l.endsWith(' serverside-applied'))).toBe(true);
  });
});

test('after all overlays, every Deployment and StatefulSet they made has its pods Ready (admission, scheduling, volumes passed)', async () => {
  const ready: string[] = [];
  for (const [type, namespace] of [
    [DEPLOYMENTS, 'mirrorlab'],
    [DEPLOYMENTS, 'kafka'],
    [STATEFULSETS, 'kafka'],
  ] as const) {
    const list = await lab.admin.list<ReplicatedObject>(type, namespace);
    for (const set of list.items) {
      if (set.metadata.ownerReferences?.length) continue; // made by a test's stand-in operator, not by deploy/
      const replicas = set.spec?.replicas ?? 1;
      await untilReadyReplicas(lab.admin, type, namespace, set.metadata.name, replicas, { timeoutMs: 90_000 });
      ready.push(`${namespace}/${set.metadata.name}`);
    }
  }
  expect(ready.sort()).toEqual([
    'kafka/mirrormaker2',
    'kafka/source-kafka',
    'kafka/target-kafka',
    'mirrorlab/consumer-groups',
    'mirrorlab/consumer-validator',
    'mirrorlab/fault-runner',
    'mirrorlab/producer',
    'mirrorlab/provisioner',
    'mirrorlab/redis',
    'mirrorlab/report-aggregator',
  ]);
}, 120_000);

test('the examples under deploy/examples/chaos apply strictly against the Chaos Mesh CRDs', async () => {
  const dir = join(DEPLOY_DIR, 'examples/chaos');
  const applied = await lab.kubectl(['apply', '--dry-run=server', '--server-side', '--validate=strict', '-f', dir]);
  expect(applied.stderr).toBe('');
  expect(applied.stdout.trim().split('\n')).toHaveLength(readdirSync(dir).filter((f) => f.endsWith('.yaml')).length);
});

describe('the server refuses what the offline checks refuse (strict validation can fail)', () => {
  const refused = async (object: Record<string, unknown>) => {
    const res = await lab.kubectl(['apply', '--dry-run=server', '--server-side', '--validate=strict', '-f', '-'], JSON.stringify(object));
    return { code: res.code, stderr: res.stderr };
  };
  const pool = (spec: Record<string, unknown>) => ({
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaNodePool',
    metadata: { name: 'probe', namespace: 'kafka', labels: { 'strimzi.io/cluster': 'source' } },
    spec: { replicas: 1, roles: ['broker'], storage: { type: 'ephemeral' }, ...spec },
  });

  test('a well-formed KafkaNodePool is accepted', async () => {
    expect(await refused(pool({}))).toEqual({ code: 0, stderr: '' });
  });

  test('a misspelt field of a Strimzi kind', async () => {
    const res = await refused(pool({ replcas: 3 }));
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('.spec.replcas: field not declared in schema');
  });

  test('a value outside an enum of a Chaos Mesh kind', async () => {
    const res = await refused({
      apiVersion: 'chaos-mesh.org/v1alpha1',
      kind: 'NetworkChaos',
      metadata: { name: 'probe', namespace: 'kafka' },
      spec: { action: 'slow', mode: 'all', selector: { namespaces: ['kafka'] } },
    });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('spec.action: Unsupported value: "slow"');
  });

  test('a misspelt field of a ServiceMonitor (schema from the kubernetes-models declarations)', async () => {
    const res = await refused({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'probe', namespace: 'mirrorlab' },
      spec: { selector: {}, endpoints: [{ port: 'http', intervall: '15s' }] },
    });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('.spec.endpoints[0].intervall: field not declared in schema');
  });

  test('a pod that breaks the restricted Pod Security Standard of namespace mirrorlab', async () => {
    const res = await refused({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'probe', namespace: 'mirrorlab' },
      spec: { containers: [{ name: 'c', image: 'x' }] },
    });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('violates PodSecurity "restricted:latest"');
  });
});

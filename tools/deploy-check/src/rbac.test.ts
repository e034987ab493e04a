import type { K8sObject } from './k8s-object';
import { formatProblems } from './problem';
import { checkRbac } from './rbac-checks';
import { OVERLAYS, renderableKustomizations, rendered } from './renders';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

const problems = (objects: readonly K8sObject[], requireNamespaces = true) => formatProblems(checkRbac(objects, { requireNamespaces }));
const singleCluster = () => structuredClone(rendered('deploy/overlays/single-cluster'));
const role = (objects: K8sObject[], name: string) =>
  objects.find((o) => o.kind === 'Role' && o.metadata.name === name) as K8sObject & { rules: Rule[] };
const binding = (objects: K8sObject[], name: string) =>
  objects.find((o) => o.kind === 'RoleBinding' && o.metadata.name === name) as K8sObject & {
    subjects: { kind: string; name: string; namespace?: string }[];
  };

describe('RBAC as deployed', () => {
  it.each(OVERLAYS)('%s grants exactly the listed rights, per namespace', (path) => {
    expect(problems(rendered(path))).toBe('');
  });

  it.each(renderableKustomizations().filter((p) => !OVERLAYS.includes(p)))('%s has no rights beyond the policies', (path) => {
    expect(problems(rendered(path), false)).toBe('');
  });

  it('binds the fault-runner in the system under test and the provisioner at home', () => {
    const objects = singleCluster();
    expect(binding(objects, 'mirrorlab-fault-runner').metadata.namespace).toBe('kafka');
    expect(binding(objects, 'mirrorlab-fault-runner').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'fault-runner', namespace: 'mirrorlab' },
    ]);
    expect(binding(objects, 'provisioner').metadata.namespace).toBe('mirrorlab');
  });

  it('lets the provisioner scale the producers, validators and source consumer groups, and no other Deployment', () => {
    const scaling = role(singleCluster(), 'provisioner').rules.filter((r) => r.verbs.includes('patch'));
    expect(scaling).toEqual([
      {
        apiGroups: ['apps'],
        resources: ['deployments', 'deployments/scale'],
        resourceNames: ['producer', 'consumer-validator', 'consumer-groups'],
        verbs: ['get', 'patch'],
      },
    ]);
  });
});

describe('the RBAC checks report', () => {
  it('a wildcard', () => {
    const objects = singleCluster();
    role(objects, 'mirrorlab-fault-runner').rules[0].verbs = ['*'];
    expect(problems(objects)).toMatch(/rules\[0\] uses "\*"/);
  });

  it('a verb beyond the policy, and one the service needs but lacks', () => {
    const objects = singleCluster();
    const pods = role(objects, 'mirrorlab-fault-runner').rules[0];
    pods.verbs = ['get', 'list', 'watch', 'create'];
    const found = problems(objects);
    expect(found).toMatch(/grants core\/pods create, which fault-runner does not need/);
    expect(found).toMatch(/does not grant core\/pods delete, which fault-runner needs/);
  });

  it('cluster-wide roles', () => {
    const objects = singleCluster();
    objects.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'x' }, rules: [] });
    expect(problems(objects)).toMatch(/ClusterRole x: cluster-wide RBAC/);
  });

  it('a Role held by another service', () => {
    const objects = singleCluster();
    binding(objects, 'provisioner').subjects.push({ kind: 'ServiceAccount', name: 'producer', namespace: 'mirrorlab' });
    const found = problems(objects);
    expect(found).toMatch(/subject ServiceAccount producer: only the ServiceAccount provisioner may hold provisioner/);
    expect(found).toMatch(/ServiceAccount producer: is bound to a Role, but the service does not use the Kubernetes API/);
  });

  it("the fault-runner's rights in a namespace other than the one it acts in", () => {
    const objects = singleCluster();
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('fault-runner-config')) as K8sObject & {
      data: Record<string, string>;
    };
    config.data.K8S_NAMESPACE = 'kafka-source';
    expect(problems(objects)).toMatch(/bound in kafka, but fault-runner acts in K8S_NAMESPACE=kafka-source/);
  });
});

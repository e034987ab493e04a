import { describeObject, dig, type K8sObject } from './k8s-object';
import { problem, type Problem } from './problem';
import { SERVICES } from './service-contract';

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs?: string[];
  nonResourceURLs?: string[];
}

/** `group/resource verb`, with "core" for the core group. */
type Grant = string;

const grants = (group: string, resources: string[], verbs: string[]): Grant[] =>
  resources.flatMap((r) => verbs.map((v) => `${group || 'core'}/${r} ${v}`));

/** The fault-runner's rights in the SUT namespace: kill pods, stop or shrink brokers and the replicator, chaos objects. */
function faultRunnerGrants(): Grant[] {
  return [
    ...grants('', ['pods'], ['get', 'list', 'watch', 'delete']),
    ...grants('apps', ['statefulsets', 'deployments'], ['get', 'patch']),
    ...grants('kafka.strimzi.io', ['kafkanodepools', 'kafkamirrormaker2s'], ['get', 'patch']),
    ...grants('chaos-mesh.org', ['podchaos', 'networkchaos'], ['create', 'get', 'list', 'watch', 'delete']),
  ];
}

/**
 * Least privilege, written down: what each mirrorlab Role may grant (anything more is a
 * problem) and what it must grant (anything less breaks the service).
 */
export const ROLE_POLICIES: Record<string, { account: string; may: Set<Grant>; must: Set<Grant>; inSutNamespace: boolean }> = {
  'mirrorlab-fault-runner': {
    account: 'fault-runner',
    inSutNamespace: true,
    may: new Set(faultRunnerGrants()),
    must: new Set(faultRunnerGrants()),
  },
  provisioner: {
    account: 'provisioner',
    inSutNamespace: false,
    may: new Set(grants('apps', ['deployments', 'deployments/scale'], ['get', 'list', 'watch', 'patch'])),
    must: new Set(grants('apps', ['deployments/scale'], ['get', 'patch'])),
  },
};

function checkRole(role: K8sObject, requireNamespace: boolean): Problem[] {
  const where = describeObject(role);
  const policy = ROLE_POLICIES[role.metadata.name];
  if (!policy) return [problem(where, `unknown Role: every mirrorlab Role needs a policy in ROLE_POLICIES (rbac-checks.ts)`)];
  const rules = (dig(role, 'rules') ?? []) as PolicyRule[];
  const out: Problem[] = [];
  const granted = new Set<Grant>();
  for (const [i, rule] of rules.entries()) {
    const fields = [...(rule.apiGroups ?? []), ...(rule.resources ?? []), ...(rule.verbs ?? [])];
    if (fields.includes('*')) out.push(problem(where, `rules[${i}] uses "*": name each group, resource and verb`));
    if (rule.nonResourceURLs) out.push(problem(where, `rules[${i}]: nonResourceURLs need a ClusterRole and are not needed`));
    for (const g of rule.apiGroups ?? []) for (const x of grants(g, rule.resources ?? [], rule.verbs ?? [])) granted.add(x);
  }
  for (const g of granted) if (!policy.may.has(g)) out.push(problem(where, `grants ${g}, which ${policy.account} does not need`));
  for (const g of policy.must) if (!granted.has(g)) out.push(problem(where, `does not grant ${g}, which ${policy.account} needs`));
  if (requireNamespace && !role.metadata.namespace) out.push(problem(where, 'has no namespace'));
  return out;
}

/**
 * RBAC of one render: no cluster-wide roles, every Role within its policy, bound only to
 * its own service's account, the fault-runner's in the namespace it is told to act in
 * (K8S_NAMESPACE), and no rights for services that do not use the API.
 */
export function checkRbac(objects: readonly K8sObject[], opts: { requireNamespaces: boolean }): Problem[] {
  const out: Problem[] = [];
  for (const o of objects) {
    if (o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding')
      out.push(problem(describeObject(o), 'cluster-wide RBAC: mirrorlab grants rights per namespace only'));
    if (o.kind === 'Role') out.push(...checkRole(o, opts.requireNamespaces));
  }
  for (const b of objects.filter((o) => o.kind === 'RoleBinding')) {
    const where = describeObject(b);
    const roleRef = dig(b, 'roleRef') as { kind?: string; name?: string };
    const policy = roleRef.name ? ROLE_POLICIES[roleRef.name] : undefined;
    if (roleRef.kind !== 'Role') out.push(problem(where, `binds a ${roleRef.kind}: bind a namespaced Role`));
    if (!policy) {
      out.push(problem(where, `binds ${roleRef.name}, which has no policy in ROLE_POLICIES`));
      continue;
    }
    const subjects = (dig(b, 'subjects') ?? []) as { kind: string; name: string; namespace?: string }[];
    for (const s of subjects)
      if (s.kind !== 'ServiceAccount' || s.name !== policy.account)
        out.push(problem(where, `subject ${s.kind} ${s.name}: only the ServiceAccount ${policy.account} may hold ${roleRef.name}`));
    if (opts.requireNamespaces) {
      const account = objects.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === policy.account);
      for (const s of subjects) {
        if (!s.namespace) out.push(problem(where, `subject ${s.name} has no namespace`));
        else if (account && account.metadata.namespace !== s.namespace)
          out.push(problem(where, `subject ${s.name} is in ${s.namespace}, the ServiceAccount in ${account.metadata.namespace}`));
      }
      if (!policy.inSutNamespace && subjects.some((s) => s.namespace !== b.metadata.namespace))
        out.push(problem(where, `${roleRef.name} is for mirrorlab's own namespace`));
      if (policy.inSutNamespace) {
        const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith(`${policy.account}-config`));
        const target = dig(config, 'data', 'K8S_NAMESPACE');
        if (target !== undefined && target !== b.metadata.namespace)
          out.push(problem(where, `bound in ${b.metadata.namespace}, but ${policy.account} acts in K8S_NAMESPACE=${String(target)}`));
        if (subjects.some((s) => s.namespace === b.metadata.namespace))
          out.push(problem(where, `${roleRef.name} belongs in the system under test's namespace, not mirrorlab's`));
      }
    }
  }
  const bound = new Set(
    objects.filter((o) => o.kind === 'RoleBinding').flatMap((b) => ((dig(b, 'subjects') ?? []) as { name: string }[]).map((s) => s.name)),
  );
  for (const s of SERVICES.filter((x) => !x.kubernetesApi))
    if (bound.has(s.name))
      out.push(problem(`ServiceAccount ${s.name}`, 'is bound to a Role, but the service does not use the Kubernetes API'));
  return out;
}

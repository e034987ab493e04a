import { describeObject, dig, type K8sObject } from './k8s-object';
import { problem, type Problem } from './problem';

export interface Container {
  name: string;
  image?: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  securityContext?: SecurityContext;
  volumeMounts?: { name: string; mountPath: string }[];
}

export interface Probe {
  httpGet?: { path?: string; port?: string | number };
}

interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type?: string };
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: SecurityContext & { fsGroup?: number };
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[];
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);

export const isWorkload = (o: K8sObject): boolean => WORKLOAD_KINDS.has(o.kind);

export function podSpecOf(o: K8sObject): PodSpec | undefined {
  return dig(o, 'spec', 'template', 'spec') as PodSpec | undefined;
}

/**
 * The "restricted" Pod Security Standard's essentials plus a read-only root filesystem,
 * for every container of every workload: non-root, no privilege escalation, no capabilities,
 * the runtime's seccomp profile. The mirrorlab namespace enforces "restricted" too.
 */
export function checkPodSecurity(o: K8sObject): Problem[] {
  const spec = podSpecOf(o);
  const where = describeObject(o);
  if (!spec) return [problem(where, 'no pod template')];
  const pod = spec.securityContext ?? {};
  const out: Problem[] = [];
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    const sc = c.securityContext ?? {};
    const at = `container ${c.name}`;
    const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
    const user = sc.runAsUser ?? pod.runAsUser;
    if (nonRoot !== true) out.push(problem(where, `${at}: runAsNonRoot must be true (pod or container securityContext)`));
    if (user === 0) out.push(problem(where, `${at}: runAsUser 0 is root`));
    if ((sc.seccompProfile ?? pod.seccompProfile)?.type !== 'RuntimeDefault')
      out.push(problem(where, `${at}: seccompProfile.type must be RuntimeDefault`));
    if (sc.allowPrivilegeEscalation !== false) out.push(problem(where, `${at}: allowPrivilegeEscalation must be false`));
    if (sc.privileged) out.push(problem(where, `${at}: must not be privileged`));
    if (!sc.capabilities?.drop?.includes('ALL')) out.push(problem(where, `${at}: capabilities.drop must include ALL`));
    if ((sc.capabilities?.add ?? []).length > 0) out.push(problem(where, `${at}: must not add capabilities`));
    if (sc.readOnlyRootFilesystem !== true)
      out.push(problem(where, `${at}: readOnlyRootFilesystem must be true (mount an emptyDir where it writes)`));
  }
  return out;
}

/** Requests (CPU and memory) for scheduling, and a memory limit; `cpuLimit` also asks for a CPU limit. */
export function checkResources(o: K8sObject, opts: { cpuLimit: boolean }): Problem[] {
  const spec = podSpecOf(o);
  const where = describeObject(o);
  if (!spec) return [problem(where, 'no pod template')];
  return spec.containers.flatMap((c) => {
    const missing = [
      ...(['cpu', 'memory'] as const).filter((r) => c.resources?.requests?.[r] === undefined).map((r) => `requests.${r}`),
      ...(opts.cpuLimit ? (['cpu', 'memory'] as const) : (['memory'] as const))
        .filter((r) => c.resources?.limits?.[r] === undefined)
        .map((r) => `limits.${r}`),
    ];
    return missing.length > 0 ? [problem(where, `container ${c.name}: resources lack ${missing.join(', ')}`)] : [];
  });
}

/** A selector must select its own pod template, or the controller manages nothing. */
export function checkSelectorMatchesTemplate(o: K8sObject): Problem[] {
  const selector = (dig(o, 'spec', 'selector', 'matchLabels') ?? {}) as Record<string, string>;
  const labels = (dig(o, 'spec', 'template', 'metadata', 'labels') ?? {}) as Record<string, string>;
  const mismatched = Object.entries(selector).filter(([k, v]) => labels[k] !== v);
  return mismatched.length > 0
    ? [problem(describeObject(o), `selector ${mismatched.map(([k, v]) => `${k}=${v}`).join(',')} does not match the pod template's labels`)]
    : [];
}

/** Every Service selects the pods of some workload in its namespace. */
export function checkServiceSelectors(objects: readonly K8sObject[]): Problem[] {
  const workloads = objects.filter(isWorkload);
  return objects
    .filter((o) => o.kind === 'Service')
    .flatMap((svc) => {
      const selector = (dig(svc, 'spec', 'selector') ?? {}) as Record<string, string>;
      const hit = workloads.some((w) => {
        if (w.metadata.namespace !== svc.metadata.namespace) return false;
        const labels = (dig(w, 'spec', 'template', 'metadata', 'labels') ?? {}) as Record<string, string>;
        return Object.entries(selector).every(([k, v]) => labels[k] === v);
      });
      return hit
        ? []
        : [problem(describeObject(svc), `selects no pods: no workload in its namespace has labels ${JSON.stringify(selector)}`)];
    });
}

/** Two objects of one kind, namespace and name: the later one silently wins on apply. */
export function checkUniqueNames(objects: readonly K8sObject[]): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const o of objects) {
    const id = describeObject(o);
    if (seen.has(id)) out.push(problem(id, 'defined twice'));
    seen.add(id);
  }
  return out;
}

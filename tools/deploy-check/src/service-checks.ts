import { describeObject, dig, type K8sObject } from './k8s-object';
import { podSpecOf, type Container, type PodSpec, type Probe } from './pod-checks';
import { problem, type Problem } from './problem';
import {
  isSecretVariable,
  PER_REPLICA_VARIABLES,
  requiredVariables,
  serviceContract,
  serviceVariables,
  type ServiceContract,
} from './service-contract';

const find = (objects: readonly K8sObject[], kind: string, namespace: string | undefined, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name);

/** The Deployments of mirrorlab services in a render, with their contract. */
export function serviceDeployments(objects: readonly K8sObject[]): { deployment: K8sObject; contract: ServiceContract }[] {
  return objects.flatMap((o) => {
    const contract = o.kind === 'Deployment' ? serviceContract(o.metadata.name) : undefined;
    return contract ? [{ deployment: o, contract }] : [];
  });
}

function checkProbe(probe: Probe | undefined, kind: string, path: string): string[] {
  if (!probe?.httpGet) return [`${kind} must be an httpGet probe on ${path}`];
  const out: string[] = [];
  if (probe.httpGet.path !== path) out.push(`${kind} path must be ${path}, not ${probe.httpGet.path}`);
  if (probe.httpGet.port !== 'http') out.push(`${kind} port must be the named port http, not ${probe.httpGet.port}`);
  return out;
}

/** Probes, port, identity and API access of one service's Deployment. */
function checkContainer(contract: ServiceContract, spec: PodSpec, c: Container): string[] {
  const out: string[] = [];
  const http = c.ports?.find((p) => p.name === 'http');
  if (http?.containerPort !== contract.port) out.push(`container port "http" must be ${contract.port}`);
  out.push(...checkProbe(c.readinessProbe, 'readinessProbe', '/readyz'), ...checkProbe(c.livenessProbe, 'livenessProbe', '/healthz'));
  const podName = c.env?.find((e) => e.name === 'POD_NAME');
  if (podName?.valueFrom?.fieldRef?.fieldPath !== 'metadata.name')
    out.push('POD_NAME must come from the downward API (fieldRef metadata.name): it is the instance id');
  for (const e of c.env ?? []) {
    if (e.name !== 'POD_NAME' && !serviceVariables(contract).has(e.name)) out.push(`env ${e.name} is not a variable of ${contract.name}`);
    if ((PER_REPLICA_VARIABLES as readonly string[]).includes(e.name))
      out.push(`env ${e.name} must not be set: every replica would take the same identity`);
  }
  if (spec.serviceAccountName !== contract.name) out.push(`serviceAccountName must be ${contract.name}`);
  if (!contract.kubernetesApi && spec.automountServiceAccountToken !== false)
    out.push('automountServiceAccountToken must be false: the service does not use the Kubernetes API');
  return out;
}

/** The ConfigMap and Secret a service takes its environment from: keys must be its variables. */
function checkEnvSources(objects: readonly K8sObject[], ns: string | undefined, contract: ServiceContract, c: Container): string[] {
  const out: string[] = [];
  const known = serviceVariables(contract);
  const configMaps = (c.envFrom ?? []).flatMap((e) => (e.configMapRef ? [e.configMapRef.name] : []));
  const secrets = (c.envFrom ?? []).flatMap((e) => (e.secretRef ? [e.secretRef.name] : []));
  if (configMaps.length !== 1 || secrets.length !== 1) out.push('envFrom must name one ConfigMap and one Secret');
  const keysOf = (kind: string, name: string): string[] => {
    const o = find(objects, kind, ns, name);
    if (!o) {
      out.push(`envFrom ${kind} ${name} is not part of the deployment`);
      return [];
    }
    return [...Object.keys((o.data ?? {}) as object), ...Object.keys((o.stringData ?? {}) as object)];
  };
  const configKeys = configMaps.flatMap((n) => keysOf('ConfigMap', n));
  const secretKeys = secrets.flatMap((n) => keysOf('Secret', n));
  for (const k of [...configKeys, ...secretKeys]) if (!known.has(k)) out.push(`${k} is not a variable of ${contract.name}`);
  for (const k of configKeys) if (isSecretVariable(k)) out.push(`${k} is a secret: put it in the Secret, not the ConfigMap`);
  for (const k of configKeys) if (secretKeys.includes(k)) out.push(`${k} is in both the ConfigMap and the Secret`);
  for (const k of [...configKeys, ...secretKeys])
    if ((PER_REPLICA_VARIABLES as readonly string[]).includes(k))
      out.push(`${k} must not be set: every replica would take the same identity`);
  for (const k of requiredVariables(contract))
    if (!configKeys.includes(k)) out.push(`${k} is missing: the service does not start without it`);
  const port = configMaps.map((n) => dig(find(objects, 'ConfigMap', ns, n), 'data', 'PORT')).find((p) => p !== undefined);
  if (port !== undefined && Number(port) !== contract.port) out.push(`PORT is ${String(port)}, the container port is ${contract.port}`);
  return out;
}

/** A Service with port "http" and a ServiceMonitor scraping it. */
function checkExposure(
  objects: readonly K8sObject[],
  ns: string | undefined,
  contract: ServiceContract,
  podLabels: Record<string, string>,
): string[] {
  const out: string[] = [];
  const svc = find(objects, 'Service', ns, contract.name);
  const port = (dig(svc, 'spec', 'ports') as { name?: string; targetPort?: unknown }[] | undefined)?.find((p) => p.name === 'http');
  if (!svc || !port) out.push(`needs a Service ${contract.name} with a port named http`);
  else if (port.targetPort !== 'http') out.push(`Service ${contract.name} port http must target the named port http`);
  const monitor = find(objects, 'ServiceMonitor', ns, contract.name);
  const svcLabels = (svc?.metadata.labels ?? {}) as Record<string, string>;
  const match = (dig(monitor, 'spec', 'selector', 'matchLabels') ?? {}) as Record<string, string>;
  const endpoints = (dig(monitor, 'spec', 'endpoints') ?? []) as { port?: string; path?: string }[];
  if (!monitor) out.push(`needs a ServiceMonitor ${contract.name}`);
  else {
    if (!Object.entries(match).every(([k, v]) => svcLabels[k] === v) || Object.keys(match).length === 0)
      out.push(`ServiceMonitor ${contract.name} does not select Service ${contract.name}`);
    if (!endpoints.some((e) => e.port === 'http' && (e.path ?? '/metrics') === '/metrics'))
      out.push(`ServiceMonitor ${contract.name} must scrape port http, path /metrics`);
  }
  if (podLabels['app.kubernetes.io/name'] !== contract.name) out.push(`pods must carry app.kubernetes.io/name=${contract.name}`);
  return out;
}

/** The report-aggregator writes REPORTS_DIR, which must be a mounted PersistentVolumeClaim. */
function checkReportsVolume(objects: readonly K8sObject[], ns: string | undefined, spec: PodSpec, c: Container): string[] {
  const configName = c.envFrom?.find((e) => e.configMapRef)?.configMapRef?.name;
  const dir = dig(find(objects, 'ConfigMap', ns, configName ?? ''), 'data', 'REPORTS_DIR');
  const mount = c.volumeMounts?.find((m) => m.mountPath === dir);
  const claim = spec.volumes?.find((v) => v.name === mount?.name)?.persistentVolumeClaim?.claimName;
  if (!mount || !claim) return [`REPORTS_DIR (${String(dir)}) must be a mounted PersistentVolumeClaim`];
  return find(objects, 'PersistentVolumeClaim', ns, claim) ? [] : [`PersistentVolumeClaim ${claim} is not part of the deployment`];
}

/** Every check of intent for the mirrorlab services found in one render. */
export function checkServices(objects: readonly K8sObject[]): Problem[] {
  return serviceDeployments(objects).flatMap(({ deployment, contract }) => {
    const where = describeObject(deployment);
    const ns = deployment.metadata.namespace;
    const spec = podSpecOf(deployment);
    const c = spec?.containers.find((x) => x.name === contract.name);
    if (!spec || !c || spec.containers.length !== 1) return [problem(where, `needs exactly one container, named ${contract.name}`)];
    const podLabels = (dig(deployment, 'spec', 'template', 'metadata', 'labels') ?? {}) as Record<string, string>;
    const account = find(objects, 'ServiceAccount', ns, contract.name);
    const messages = [
      ...checkContainer(contract, spec, c),
      ...checkEnvSources(objects, ns, contract, c),
      ...checkExposure(objects, ns, contract, podLabels),
      ...(!account ? [`needs its ServiceAccount ${contract.name}`] : []),
      ...(account && !contract.kubernetesApi && account.automountServiceAccountToken !== false
        ? [`ServiceAccount ${contract.name} must set automountServiceAccountToken: false`]
        : []),
      ...(contract.name === 'report-aggregator' ? checkReportsVolume(objects, ns, spec, c) : []),
    ];
    return messages.map((m) => problem(where, m));
  });
}

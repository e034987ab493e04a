import { describeObject, dig, type K8sObject } from './k8s-object';
import { problem, type Problem } from './problem';
import { serviceDeployments } from './service-checks';

const STRIMZI = 'kafka.strimzi.io/v1';

/** Strimzi's client Service for cluster C is C-kafka-bootstrap. */
const BOOTSTRAP_SUFFIX = '-kafka-bootstrap';

/**
 * Does `host:port` reach something this render deploys? `svc`, `svc.ns` and `svc.ns.svc[...]`
 * names resolve against `fromNamespace`; a Service with that port counts, and so does a
 * Strimzi Kafka whose bootstrap Service the operator will create. Undefined: not ours to
 * know (an address outside the cluster, as in the two-regions overlay).
 */
export function resolvesInRender(objects: readonly K8sObject[], address: string, fromNamespace: string | undefined): boolean | undefined {
  const m = /^([a-z0-9-]+)(?:\.([a-z0-9-]+))?(?:\.svc(?:\.[a-z0-9.-]+)?)?:(\d+)$/.exec(address);
  if (!m) return undefined;
  const [, name, ns = fromNamespace, port] = m;
  const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === name && o.metadata.namespace === ns);
  if (service) return ((dig(service, 'spec', 'ports') ?? []) as { port: number }[]).some((p) => p.port === Number(port));
  const kafka = name.endsWith(BOOTSTRAP_SUFFIX)
    ? objects.find(
        (o) =>
          o.apiVersion === STRIMZI &&
          o.kind === 'Kafka' &&
          o.metadata.name === name.slice(0, -BOOTSTRAP_SUFFIX.length) &&
          o.metadata.namespace === ns,
      )
    : undefined;
  if (kafka)
    return ((dig(kafka, 'spec', 'kafka', 'listeners') ?? []) as { port: number; type: string }[]).some(
      (l) => l.port === Number(port) && l.type === 'internal',
    );
  return false;
}

/** KRaft clusters from node pools: every Kafka has 3 controllers and 3 brokers; no pool is orphaned. */
export function checkStrimziClusters(objects: readonly K8sObject[]): Problem[] {
  const out: Problem[] = [];
  const kafkas = objects.filter((o) => o.apiVersion === STRIMZI && o.kind === 'Kafka');
  const pools = objects.filter((o) => o.apiVersion === STRIMZI && o.kind === 'KafkaNodePool');
  for (const pool of pools) {
    const cluster = pool.metadata.labels?.['strimzi.io/cluster'];
    if (!kafkas.some((k) => k.metadata.name === cluster && k.metadata.namespace === pool.metadata.namespace))
      out.push(problem(describeObject(pool), `strimzi.io/cluster=${cluster} names no Kafka in its namespace`));
  }
  for (const kafka of kafkas) {
    const own = pools.filter(
      (p) => p.metadata.labels?.['strimzi.io/cluster'] === kafka.metadata.name && p.metadata.namespace === kafka.metadata.namespace,
    );
    const count = (role: string) =>
      own
        .filter((p) => ((dig(p, 'spec', 'roles') ?? []) as string[]).includes(role))
        .reduce((n, p) => n + Number(dig(p, 'spec', 'replicas') ?? 0), 0);
    if (count('controller') !== 3)
      out.push(problem(describeObject(kafka), `has ${count('controller')} KRaft controllers in its node pools; the SUT runs 3`));
    if (count('broker') !== 3) out.push(problem(describeObject(kafka), `has ${count('broker')} brokers in its node pools; the SUT runs 3`));
  }
  return out;
}

/** MirrorMaker 2 reads a source and writes a target that exist (or are outside the render). */
export function checkMirrorMaker(objects: readonly K8sObject[]): Problem[] {
  return objects
    .filter((o) => o.apiVersion === STRIMZI && o.kind === 'KafkaMirrorMaker2')
    .flatMap((mm2) => {
      const where = describeObject(mm2);
      const ns = mm2.metadata.namespace;
      const target = dig(mm2, 'spec', 'target') as { alias?: string; bootstrapServers?: string };
      const mirrors = (dig(mm2, 'spec', 'mirrors') ?? []) as { source?: { alias?: string; bootstrapServers?: string } }[];
      const out: Problem[] = [];
      const check = (what: string, servers: string | undefined) => {
        for (const a of (servers ?? '').split(','))
          if (resolvesInRender(objects, a.trim(), ns) === false) out.push(problem(where, `${what} ${a} is not deployed here`));
      };
      check('target', target.bootstrapServers);
      mirrors.forEach((m, i) => {
        check(`mirrors[${i}].source`, m.source?.bootstrapServers);
        if (m.source?.alias === target.alias) out.push(problem(where, `mirrors[${i}].source has the target's alias ${target.alias}`));
        if (m.source?.bootstrapServers === target.bootstrapServers)
          out.push(problem(where, `mirrors[${i}] mirrors the target onto itself`));
      });
      return out;
    });
}

/** Every *_KAFKA_BROKERS and REDIS_URL of the services points at something deployed (when local). */
export function checkServiceAddresses(objects: readonly K8sObject[]): Problem[] {
  return serviceDeployments(objects).flatMap(({ deployment, contract }) => {
    const ns = deployment.metadata.namespace;
    const configName = (
      dig(deployment, 'spec', 'template', 'spec', 'containers', 0, 'envFrom') as { configMapRef?: { name: string } }[] | undefined
    )?.find((e) => e.configMapRef)?.configMapRef?.name;
    const data = (dig(
      objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === configName && o.metadata.namespace === ns),
      'data',
    ) ?? {}) as Record<string, string>;
    const out: Problem[] = [];
    for (const [key, value] of Object.entries(data)) {
      const addresses = key.endsWith('_KAFKA_BROKERS')
        ? value.split(',').map((s) => s.trim())
        : key === 'REDIS_URL'
          ? [value.replace(/^rediss?:\/\/(?:[^@]*@)?/, '').replace(/\/.*$/, '')]
          : [];
      for (const a of addresses)
        if (resolvesInRender(objects, a, ns) === false)
          out.push(problem(describeObject(deployment), `${contract.name} ${key}=${a}: nothing by that name and port is deployed`));
    }
    return out;
  });
}

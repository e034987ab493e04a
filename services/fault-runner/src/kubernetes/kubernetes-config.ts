import { DEPLOYMENTS, KAFKA_MIRROR_MAKER_2S, KAFKA_NODE_POOLS, STATEFULSETS, parseLabelSelector, type ResourceType } from '@mirrorlab/kube';
import { ConfigError, env, type EnvVar } from '@mirrorlab/service-kit';

/** The system under test as deploy/ creates it: Strimzi (deploy/sut/strimzi) or plain manifests (deploy/sut/plain). */
export type SutFlavour = 'strimzi' | 'plain';

/** What a fault scales: a StatefulSet or Strimzi KafkaNodePool of brokers, the replicator's Deployment or KafkaMirrorMaker2. */
export interface ScalableRef {
  type: ResourceType;
  name: string;
  /** As configured: `kafkanodepool/source-dual-role`. */
  text: string;
}

/** One part of the system under test: its pods (by label) and the object whose `spec.replicas` makes them. */
export interface SutPart {
  /** `source brokers`, `target brokers`, `replicator`: for messages. */
  role: string;
  selector: string;
  set: ScalableRef;
  /** The variables that configure it, for messages that say what to change. */
  variables: { selector: string; set: string };
}

export interface KubernetesSut {
  namespace: string;
  source: SutPart;
  target: SutPart;
  replicator: SutPart;
  /**
   * The inter-datacenter path for NetworkChaos: `selector` (source side) and
   * `target.selector` (target side). MirrorMaker 2 runs beside the target cluster and reads
   * the source across the link, so by default: source brokers <-> replicator pods.
   */
  link: { sourceSide: string; targetSide: string };
}

const SET_KINDS: Record<string, ResourceType> = {
  statefulset: STATEFULSETS,
  kafkanodepool: KAFKA_NODE_POOLS,
  deployment: DEPLOYMENTS,
  kafkamirrormaker2: KAFKA_MIRROR_MAKER_2S,
};

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

const namespaceVar = (fallback: string): EnvVar<string> => ({
  form: 'a Kubernetes namespace name (lowercase letters, digits and "-")',
  secret: false,
  parse: (raw) =>
    raw === undefined || raw === '' ? { ok: true, value: fallback } : DNS_LABEL.test(raw) ? { ok: true, value: raw } : { ok: false },
});

/** An optional label selector; unset means the SUT flavour's default. */
const selectorVar = (example: string): EnvVar<string | undefined> => ({
  form: `a Kubernetes label selector, e.g. ${example}`,
  secret: false,
  parse(raw) {
    if (raw === undefined || raw.trim() === '') return { ok: true, value: undefined };
    try {
      return parseLabelSelector(raw).length > 0 ? { ok: true, value: raw.trim() } : { ok: false };
    } catch {
      return { ok: false };
    }
  },
});

/** An optional `<kind>/<name>`; unset means the SUT flavour's default. */
const setVar = (kinds: string[], example: string): EnvVar<ScalableRef | undefined> => ({
  form: `<kind>/<name> with kind ${kinds.join(' or ')}, e.g. ${example}`,
  secret: false,
  parse(raw) {
    if (raw === undefined || raw.trim() === '') return { ok: true, value: undefined };
    const m = /^([a-z0-9]+)\/(.+)$/.exec(raw.trim());
    if (!m || !kinds.includes(m[1]) || !DNS_SUBDOMAIN.test(m[2])) return { ok: false };
    return { ok: true, value: { type: SET_KINDS[m[1]], name: m[2], text: raw.trim() } };
  },
});

const BROKER_SETS = ['statefulset', 'kafkanodepool'];
const REPLICATOR_SETS = ['deployment', 'kafkamirrormaker2'];

/**
 * The fault-runner's Kubernetes variables (FAULT_BACKEND=kubernetes). Only the namespace
 * and the flavour are needed with deploy/'s manifests; the rest overrides the flavour's
 * defaults for a system under test of your own.
 */
export const kubernetesEnv = {
  /** The system under test's namespace: pods, sets and Chaos Mesh objects (the Role in deploy/rbac/fault-runner-sut is there). */
  K8S_NAMESPACE: namespaceVar('kafka'),
  K8S_SUT: env.oneOf(['strimzi', 'plain'] as const, { default: 'strimzi' }),
  K8S_SOURCE_BROKER_SELECTOR: selectorVar('strimzi.io/cluster=source,strimzi.io/broker-role=true'),
  K8S_TARGET_BROKER_SELECTOR: selectorVar('strimzi.io/cluster=target,strimzi.io/broker-role=true'),
  K8S_REPLICATOR_SELECTOR: selectorVar('strimzi.io/cluster=mirror,strimzi.io/kind=KafkaMirrorMaker2'),
  K8S_SOURCE_BROKER_SET: setVar(BROKER_SETS, 'kafkanodepool/source-dual-role'),
  K8S_TARGET_BROKER_SET: setVar(BROKER_SETS, 'statefulset/target-kafka'),
  K8S_REPLICATOR_SET: setVar(REPLICATOR_SETS, 'kafkamirrormaker2/mirror'),
  /** Network faults: the pods on each end of the inter-DC link (default: source brokers and replicator pods). */
  K8S_LINK_SOURCE_SELECTOR: selectorVar('strimzi.io/cluster=source,strimzi.io/kind=Kafka'),
  K8S_LINK_TARGET_SELECTOR: selectorVar('strimzi.io/cluster=mirror'),
};

export type KubernetesEnvConfig = { [K in keyof typeof kubernetesEnv]: (typeof kubernetesEnv)[K] extends EnvVar<infer T> ? T : never };

const set = (kind: string, name: string): ScalableRef => ({ type: SET_KINDS[kind], name, text: `${kind}/${name}` });

/** What deploy/sut/strimzi and deploy/sut/plain create. */
export const SUT_DEFAULTS: Record<
  SutFlavour,
  { source: [string, ScalableRef]; target: [string, ScalableRef]; replicator: [string, ScalableRef] }
> = {
  strimzi: {
    source: ['strimzi.io/cluster=source,strimzi.io/kind=Kafka,strimzi.io/broker-role=true', set('kafkanodepool', 'source-dual-role')],
    target: ['strimzi.io/cluster=target,strimzi.io/kind=Kafka,strimzi.io/broker-role=true', set('kafkanodepool', 'target-dual-role')],
    replicator: ['strimzi.io/cluster=mirror,strimzi.io/kind=KafkaMirrorMaker2', set('kafkamirrormaker2', 'mirror')],
  },
  plain: {
    source: ['app.kubernetes.io/name=kafka,app.kubernetes.io/instance=source', set('statefulset', 'source-kafka')],
    target: ['app.kubernetes.io/name=kafka,app.kubernetes.io/instance=target', set('statefulset', 'target-kafka')],
    replicator: ['app.kubernetes.io/name=mirrormaker2', set('deployment', 'mirrormaker2')],
  },
};

/** The parsed variables as a SUT; throws a ConfigError when they contradict each other. */
export function sutFromConfig(config: KubernetesEnvConfig): KubernetesSut {
  const defaults = SUT_DEFAULTS[config.K8S_SUT];
  const part = (
    role: string,
    prefix: string,
    selector: string | undefined,
    ref: ScalableRef | undefined,
    fallback: [string, ScalableRef],
  ): SutPart => ({
    role,
    selector: selector ?? fallback[0],
    set: ref ?? fallback[1],
    variables: { selector: `K8S_${prefix}_SELECTOR`, set: `K8S_${prefix}_SET` },
  });
  const source = part('source brokers', 'SOURCE_BROKER', config.K8S_SOURCE_BROKER_SELECTOR, config.K8S_SOURCE_BROKER_SET, defaults.source);
  const target = part('target brokers', 'TARGET_BROKER', config.K8S_TARGET_BROKER_SELECTOR, config.K8S_TARGET_BROKER_SET, defaults.target);
  const replicator = part('replicator', 'REPLICATOR', config.K8S_REPLICATOR_SELECTOR, config.K8S_REPLICATOR_SET, defaults.replicator);
  const link = {
    sourceSide: config.K8S_LINK_SOURCE_SELECTOR ?? source.selector,
    targetSide: config.K8S_LINK_TARGET_SELECTOR ?? replicator.selector,
  };
  const problems = [];
  if (source.selector === target.selector) {
    problems.push({
      variable: 'K8S_TARGET_BROKER_SELECTOR',
      expected: "a selector other than the source brokers' (K8S_SOURCE_BROKER_SELECTOR)",
      got: JSON.stringify(target.selector),
    });
  }
  if (link.sourceSide === link.targetSide) {
    problems.push({
      variable: 'K8S_LINK_TARGET_SELECTOR',
      expected:
        "a selector other than the link's source side (a network fault between a set of pods and itself cuts more than the inter-DC link)",
      got: JSON.stringify(link.targetSide),
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { namespace: config.K8S_NAMESPACE, source, target, replicator, link };
}

import {
  DEPLOYMENTS,
  KAFKA_MIRROR_MAKER_2S,
  KAFKA_NODE_POOLS,
  STATEFULSETS,
  untilPodsReady,
  type KubeObject,
  type ResourceType,
} from '@mirrorlab/kube';
import { FakeApiServer, simulateChaosMesh, simulateWorkload, type ChaosMeshSimulation } from '@mirrorlab/kube/testing';
import { loadConfig } from '@mirrorlab/service-kit';
import { planFault } from '../fault-request';
import type { FaultRequest } from '../fault-request';
import { KafkaAdmins } from '../kafka-admin';
import { KubernetesFaultBackend } from '../kubernetes/kubernetes-backend';
import { kubernetesEnv, sutFromConfig, type KubernetesSut, type SutFlavour } from '../kubernetes/kubernetes-config';
import type { ReplicaMover } from '../kubernetes/scale-faults';
import { memoryLogger } from './fakes';

export interface FakeSut {
  fake: FakeApiServer;
  sut: KubernetesSut;
  close(): Promise<void>;
}

export interface FakeSutOptions {
  /** Whether a new pod becomes Ready (default: all do). */
  ready?: (podName: string) => boolean;
  chaos?: ChaosMeshSimulation;
}

/** Strimzi removes the node ids its annotation names first, then the highest; it adds the lowest free ids. */
function strimziOrdinals(owner: KubeObject, current: readonly number[], replicas: number): number[] {
  const ids = [...current].sort((a, b) => a - b);
  if (ids.length > replicas) {
    const named = JSON.parse(owner.metadata.annotations?.['strimzi.io/remove-node-ids'] ?? '[]') as number[];
    const order = [...named.filter((id) => ids.includes(id)), ...[...ids].reverse().filter((id) => !named.includes(id))];
    const drop = new Set(order.slice(0, ids.length - replicas));
    return ids.filter((id) => !drop.has(id));
  }
  for (let id = 0; ids.length < replicas; id++) if (!ids.includes(id)) ids.push(id);
  return ids.sort((a, b) => a - b);
}

interface PartSpec {
  type: ResourceType;
  name: string;
  replicas: number;
  labels: Record<string, string>;
  podName: (i: number) => string;
  strimzi: boolean;
}

function parts(flavour: SutFlavour): PartSpec[] {
  if (flavour === 'strimzi') {
    const broker = (cluster: string): PartSpec => ({
      type: KAFKA_NODE_POOLS,
      name: `${cluster}-dual-role`,
      replicas: 3,
      labels: {
        'strimzi.io/cluster': cluster,
        'strimzi.io/kind': 'Kafka',
        'strimzi.io/pool-name': `${cluster}-dual-role`,
        'strimzi.io/broker-role': 'true',
      },
      podName: (i) => `${cluster}-${cluster}-dual-role-${i}`,
      strimzi: true,
    });
    return [
      broker('source'),
      broker('target'),
      {
        type: KAFKA_MIRROR_MAKER_2S,
        name: 'mirror',
        replicas: 1,
        labels: { 'strimzi.io/cluster': 'mirror', 'strimzi.io/kind': 'KafkaMirrorMaker2' },
        podName: (i) => `mirror-mirrormaker2-${i}`,
        strimzi: true,
      },
    ];
  }
  const broker = (cluster: string): PartSpec => ({
    type: STATEFULSETS,
    name: `${cluster}-kafka`,
    replicas: 3,
    labels: { 'app.kubernetes.io/name': 'kafka', 'app.kubernetes.io/instance': cluster },
    podName: (i) => `${cluster}-kafka-${i}`,
    strimzi: false,
  });
  return [
    broker('source'),
    broker('target'),
    {
      type: DEPLOYMENTS,
      name: 'mirrormaker2',
      replicas: 1,
      labels: { 'app.kubernetes.io/name': 'mirrormaker2' },
      podName: (i) => `mirrormaker2-5d8c7b9f4-${i}`,
      strimzi: false,
    },
  ];
}

/**
 * A system under test as deploy/sut/strimzi or deploy/sut/plain creates it, on the fake API
 * server, with its controllers simulated (pods for each set, Chaos Mesh), every pod Ready.
 */
export async function startFakeSut(flavour: SutFlavour, options: FakeSutOptions = {}): Promise<FakeSut> {
  const fake = await FakeApiServer.start();
  const namespace = 'kafka';
  const stops: Array<() => void> = [];
  for (const p of parts(flavour)) {
    fake.put(p.type, {
      metadata: { name: p.name, namespace, labels: p.strimzi ? { 'strimzi.io/cluster': p.labels['strimzi.io/cluster'] } : {} },
      spec: { replicas: p.replicas, selector: { matchLabels: p.labels } },
    });
    stops.push(
      simulateWorkload(fake, {
        owner: p.type,
        namespace,
        name: p.name,
        podLabels: p.labels,
        podName: p.podName,
        ready: options.ready,
        ...(p.strimzi ? { ordinals: strimziOrdinals } : {}),
      }).stop,
    );
  }
  stops.push(simulateChaosMesh(fake, options.chaos).stop);
  const sut = sutFromConfig(loadConfig(kubernetesEnv, { K8S_SUT: flavour }));
  const client = fake.client();
  for (const part of [sut.source, sut.target, sut.replicator])
    await untilPodsReady(client, namespace, part.selector, part === sut.replicator ? 1 : 3, { timeoutMs: 10_000 });
  fake.requests.length = 0;
  fake.deletions.length = 0;
  return {
    fake,
    sut,
    async close() {
      for (const stop of stops) stop();
      await fake.close();
    },
  };
}

/** The Kubernetes backend on a fake SUT; Kafka admin calls go nowhere (they fail fast). */
export function backendOn(
  f: FakeSut,
  options: { healTimeoutMs?: number; verifyTimeoutMs?: number; replicaMover?: ReplicaMover } = {},
): KubernetesFaultBackend {
  const { logger } = memoryLogger();
  const admins = new KafkaAdmins({ source: { brokers: ['127.0.0.1:1'] }, target: { brokers: ['127.0.0.1:1'] } }, logger, 500);
  return new KubernetesFaultBackend({
    client: f.fake.client(),
    sut: f.sut,
    admins,
    healTimeoutMs: options.healTimeoutMs ?? 10_000,
    verifyTimeoutMs: options.verifyTimeoutMs ?? 10_000,
    ...(options.replicaMover ? { replicaMover: options.replicaMover } : {}),
    logger,
  });
}

/** A fault as the runner plans it (3 brokers per cluster). */
export function faultOf(
  kind: string,
  options: { target?: string; params?: Record<string, string | number>; faultId?: string } = {},
): FaultRequest {
  return planFault(
    {
      scenarioId: 'sc-1',
      faultId: options.faultId ?? `sc-1/${kind}`,
      kind: kind as never,
      params: options.params ?? {},
      ...(options.target ? { target: options.target } : {}),
    },
    { source: 3, target: 3 },
  );
}

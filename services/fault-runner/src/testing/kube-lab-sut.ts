import {
  NETWORK_CHAOS,
  PODS,
  POD_CHAOS,
  untilPodsReady,
  type KubeClient,
  type KubeObject,
  type Pod,
  type ReplicatedObject,
  type ResourceType,
} from '@mirrorlab/kube';
import { RequestLog, connectKubeLab, standInChaosMesh, standInStrimzi, type KubeLab, type StandIn } from '@mirrorlab/kube/testing';
import { loadConfig } from '@mirrorlab/service-kit';
import { resolve } from 'node:path';
import type { ClusterName } from '../fault-target';
import { KafkaAdmins } from '../kafka-admin';
import { FAULT_ID_ANNOTATION, MANAGED_SELECTOR } from '../kubernetes/chaos-objects';
import { KubernetesFaultBackend } from '../kubernetes/kubernetes-backend';
import { kubernetesEnv, sutFromConfig, type KubernetesSut, type SutFlavour } from '../kubernetes/kubernetes-config';
import type { ReplicaMover } from '../kubernetes/scale-faults';
import { memoryLogger } from './fakes';

export const NS = 'kafka';
const REPO = resolve(__dirname, '../../../..');

/**
 * Fault ids that make the Chaos Mesh stand-in misbehave, as Chaos Mesh does when it cannot
 * reach a pod (never AllInjected) or cannot recover one (the finalizer stays).
 */
export const NEVER_INJECTED = 'never-injected';
export const NEVER_RECOVERED = 'never-recovered';
const faultIdOf = (chaos: KubeObject) => chaos.metadata.annotations?.[FAULT_ID_ANNOTATION] ?? '';

export interface LabSut {
  lab: KubeLab;
  /** The `fault-runner` service account's client (deploy/'s Role); its requests go to `log`. */
  runner: KubeClient;
  /** What the runner's client sent, cleared before each test. */
  log: RequestLog;
  /** The replica moves the backend asked for (add-broker heals), cleared before each test. */
  moves: Array<{ cluster: ClusterName; nodeId: number; keep: readonly number[] }>;
  sut(flavour: SutFlavour, env?: Record<string, string>): KubernetesSut;
  backend(
    flavour: SutFlavour,
    options?: { client?: KubeClient; healTimeoutMs?: number; env?: Record<string, string>; replicaMover?: ReplicaMover },
  ): KubernetesFaultBackend;
  apply(overlay: string): Promise<void>;
  pod(name: string): Promise<Pod | undefined>;
  /** Names of the pods a selector matches that are not being deleted, sorted. */
  podNames(selector: string): Promise<string[]>;
  replicas(type: ResourceType, name: string): Promise<number | undefined>;
}

/**
 * The Kubernetes backend's tests against the kube-lab (tools/kube-lab): deploy/'s
 * single-cluster-plain and single-cluster overlays applied as a user applies them (the plain
 * SUT's StatefulSets and Deployment, the Strimzi SUT's KafkaNodePools and KafkaMirrorMaker2),
 * the stand-in operators for Strimzi and Chaos Mesh, and the backend holding the
 * `fault-runner` service account's own token. Registers the jest hooks: each test starts and
 * ends with every part of both SUTs Ready and no chaos object of mirrorlab left.
 */
export function useLabSut(): LabSut {
  const standIns: StandIn[] = [];
  const log = new RequestLog();
  const moves: LabSut['moves'] = [];
  const s = { log, moves } as LabSut;

  s.sut = (flavour, env = {}) => sutFromConfig(loadConfig(kubernetesEnv, { K8S_SUT: flavour, ...env }));
  s.backend = (flavour, options = {}) => {
    const { logger } = memoryLogger();
    return new KubernetesFaultBackend({
      client: options.client ?? s.runner,
      sut: s.sut(flavour, options.env),
      // Admin faults go to Kafka, which is not here: they fail fast.
      admins: new KafkaAdmins({ source: { brokers: ['127.0.0.1:1'] }, target: { brokers: ['127.0.0.1:1'] } }, logger, 500),
      healTimeoutMs: options.healTimeoutMs ?? 60_000,
      verifyTimeoutMs: 30_000,
      replicaMover:
        options.replicaMover ??
        (async (cluster, nodeId, keep) => {
          moves.push({ cluster, nodeId, keep });
          return [];
        }),
      logger,
    });
  };
  s.apply = async (overlay) => {
    const res = await s.lab.kubectl([
      'apply',
      '-k',
      resolve(REPO, 'deploy/overlays', overlay),
      '--server-side',
      '--force-conflicts',
      '--field-manager=mirrorlab-tests',
    ]);
    if (res.code !== 0) throw new Error(`kubectl apply -k ${overlay}: ${res.stderr}`);
  };
  s.pod = (name) => s.lab.admin.find<Pod>(PODS, NS, name);
  s.podNames = async (selector) =>
    (await s.lab.admin.list<Pod>(PODS, NS, { labelSelector: selector })).items
      .filter((p) => !p.metadata.deletionTimestamp)
      .map((p) => p.metadata.name)
      .sort();
  s.replicas = async (type, name) => (await s.lab.admin.get<ReplicatedObject>(type, NS, name)).spec?.replicas;

  /** Every part of both SUTs has its pods, all Ready: where each test starts and ends. */
  const sutsReady = async () => {
    for (const flavour of ['plain', 'strimzi'] as const) {
      const sut = s.sut(flavour);
      for (const part of [sut.source, sut.target]) await untilPodsReady(s.lab.admin, NS, part.selector, 3, { timeoutMs: 60_000 });
      await untilPodsReady(s.lab.admin, NS, sut.replicator.selector, 1, { timeoutMs: 60_000 });
    }
  };

  beforeAll(async () => {
    s.lab = connectKubeLab();
    await s.apply('single-cluster-plain');
    await s.apply('single-cluster');
    standIns.push(
      standInStrimzi(s.lab.admin, NS),
      standInChaosMesh(s.lab.admin, NS, {
        injects: (chaos) => !faultIdOf(chaos).includes(NEVER_INJECTED),
        recovers: (chaos) => !faultIdOf(chaos).includes(NEVER_RECOVERED),
      }),
    );
    s.runner = await s.lab.serviceAccount('mirrorlab', 'fault-runner', log);
    await sutsReady();
  }, 120_000);

  beforeEach(() => {
    log.clear();
    moves.length = 0;
  });

  afterEach(async () => {
    // A chaos object left behind fails this test, and is cleared so that it fails no other.
    const left: string[] = [];
    for (const type of [POD_CHAOS, NETWORK_CHAOS]) {
      for (const chaos of (await s.lab.admin.list(type, NS, { labelSelector: MANAGED_SELECTOR })).items) {
        left.push(`${type.kind} ${chaos.metadata.name}`);
        await s.lab.admin.delete(type, NS, chaos.metadata.name).catch(() => undefined);
        await s.lab.admin
          .patch(type, NS, chaos.metadata.name, { type: 'merge', body: { metadata: { finalizers: null } } })
          .catch(() => undefined);
      }
    }
    await sutsReady();
    expect(standIns.flatMap((x) => x.errors.splice(0))).toEqual([]);
    expect(left).toEqual([]);
  }, 90_000);

  afterAll(async () => {
    for (const x of standIns) await x.stop();
  });

  return s;
}

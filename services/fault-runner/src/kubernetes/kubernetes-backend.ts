import type { KubeClient } from '@mirrorlab/kube';
import type { Logger } from '@mirrorlab/service-kit';
import type { AdminFaultOptions } from '../admin-faults';
import { errorMessage } from '../errors';
import type { FaultBackend, FaultEffect, HealContext, HealResult, Injection, Verification } from '../fault-backend';
import { handlerFor, type FamilyTable, type Undone } from '../fault-families';
import type { FaultRequest } from '../fault-request';
import type { ClusterSizes } from '../fault-target';
import type { KafkaAdmins } from '../kafka-admin';
import type { KubernetesSut } from './kubernetes-config';
import { kubernetesFamilies } from './kubernetes-families';
import { plannedReplicas, type ReplicaMover } from './scale-faults';
import { kubeFailure, partOfCluster, readSet, type KubeFaultContext } from './sut-view';

export interface KubernetesBackendOptions {
  client: KubeClient;
  sut: KubernetesSut;
  /** Admin faults (add-partitions, add-topic, reassign-partitions) go to the clusters as with every backend. */
  admins: KafkaAdmins;
  /** Bound on every wait for a heal (and for an injection's effect). */
  healTimeoutMs: number;
  /** Bound on a verification that changes nothing. */
  verifyTimeoutMs?: number;
  /** Moves partitions off an added broker before its heal removes it; default: Kafka admin calls. */
  replicaMover?: ReplicaMover;
  logger: Logger;
}

/**
 * Faults on a system under test in Kubernetes (deploy/sut/strimzi or deploy/sut/plain):
 * pods deleted (kill), Chaos Mesh PodChaos (pause) and NetworkChaos (link faults), sets
 * scaled (remove-broker, add-broker, add-replicator-worker), and the shared Kafka admin
 * faults. Everything it changes is named from the fault (chaos object names) or recorded on
 * the changed object (annotations), so a heal needs nothing but the request; every heal is
 * verified (objects gone, replicas back, pods Ready) with watches, bounded by HEAL_TIMEOUT.
 */
export class KubernetesFaultBackend implements FaultBackend {
  readonly name = 'kubernetes';
  private readonly ctx: KubeFaultContext;
  private readonly families: FamilyTable;

  constructor(private readonly opts: KubernetesBackendOptions) {
    this.ctx = { client: opts.client, sut: opts.sut, healTimeoutMs: opts.healTimeoutMs, verifyTimeoutMs: opts.verifyTimeoutMs ?? 30_000 };
    const admin: AdminFaultOptions = { admins: opts.admins, settleTimeoutMs: opts.healTimeoutMs };
    this.families = kubernetesFamilies(this.ctx, admin, opts.replicaMover);
  }

  /** The planned brokers of each cluster: the broker set's replicas, as before any scale fault changed them. */
  async clusterSizes(): Promise<ClusterSizes> {
    const size = async (cluster: 'source' | 'target') => {
      const part = partOfCluster(this.opts.sut, cluster);
      try {
        return plannedReplicas(await readSet(this.ctx, part)) ?? 0;
      } catch (error) {
        throw kubeFailure(error, 'inject_failed', `reading the ${part.role}' size`);
      }
    };
    return { source: await size('source'), target: await size('target') };
  }

  async inject(fault: FaultRequest): Promise<Injection> {
    return handlerFor(this.families, fault).inject(fault);
  }

  async verifyInjected(fault: FaultRequest, effect?: FaultEffect): Promise<Verification> {
    try {
      return await handlerFor(this.families, fault).verifyInjected(fault, effect);
    } catch (error) {
      return { ok: false, detail: errorMessage(error) };
    }
  }

  async heal(fault: FaultRequest, ctx: HealContext): Promise<HealResult> {
    let result: Undone;
    try {
      result = await handlerFor(this.families, fault).undo(fault, ctx);
    } catch (error) {
      return { verified: false, detail: `the heal failed: ${errorMessage(error).split('\n')[0]}`, atMs: Date.now() };
    }
    return { verified: result.verification.ok, detail: `${result.actions.join('; ')}; ${result.verification.detail}`, atMs: Date.now() };
  }

  async verifyHealed(fault: FaultRequest, ctx: HealContext): Promise<Verification> {
    return handlerFor(this.families, fault).verifyHealed(fault, ctx);
  }

  async close(): Promise<void> {}
}

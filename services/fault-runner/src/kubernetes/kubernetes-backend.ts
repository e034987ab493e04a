import type { KubeClient } from '@mirrorlab/kube';
import type { Logger } from '@mirrorlab/service-kit';
import { injectAddPartitions, injectAddTopic, injectReassignPartitions, verifyAdminFault, type AdminFaultOptions } from '../admin-faults';
import { errorMessage } from '../errors';
import type { FaultBackend, FaultEffect, HealContext, HealResult, Injection, Verification } from '../fault-backend';
import type { FaultRequest } from '../fault-request';
import type { ClusterSizes } from '../fault-target';
import type { KafkaAdmins } from '../kafka-admin';
import type { LinkFault } from './chaos-objects';
import type { KubernetesSut } from './kubernetes-config';
import { healLinkFault, injectLinkFault, verifyLinkFaultHealed, verifyLinkFaultInjected } from './link-faults';
import { awaitPodFaultHealed, healPodFault, injectPodFault, verifyPodFaultInjected, type PodFault } from './pod-faults';
import { awaitScaleFaultHealed, healScaleFault, injectScaleFault, plannedReplicas, verifyScaleFaultInjected, type ReplicaMover, type ScaleFault } from './scale-faults';
import { kubeFailure, partOfCluster, readSet, type KubeFaultContext } from './sut-view';
import { injectWorkloadFault, verifyWorkloadFault } from '../workload-faults';

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
  private readonly admin: AdminFaultOptions;

  constructor(private readonly opts: KubernetesBackendOptions) {
    this.ctx = { client: opts.client, sut: opts.sut, healTimeoutMs: opts.healTimeoutMs, verifyTimeoutMs: opts.verifyTimeoutMs ?? 30_000 };
    this.admin = { admins: opts.admins, settleTimeoutMs: opts.healTimeoutMs };
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
    switch (fault.kind) {
      case 'kill-broker':
      case 'kill-replicator':
      case 'pause-broker':
      case 'pause-replicator':
        return injectPodFault(this.ctx, fault);
      case 'remove-broker':
      case 'add-broker':
      case 'add-replicator-worker':
        return injectScaleFault(this.ctx, fault);
      case 'packet-loss':
      case 'network-partition':
      case 'bandwidth-cap':
      case 'latency':
        return injectLinkFault(this.ctx, fault);
      case 'add-partitions':
        return injectAddPartitions(fault, this.admin);
      case 'add-topic':
        return injectAddTopic(fault, this.admin);
      case 'reassign-partitions':
        return injectReassignPartitions(fault, this.admin);
      case 'consumer-failover':
        return injectWorkloadFault(fault, Date.now());
    }
  }

  async verifyInjected(fault: FaultRequest, effect?: FaultEffect): Promise<Verification> {
    try {
      switch (fault.kind) {
        case 'kill-broker':
        case 'kill-replicator':
        case 'pause-broker':
        case 'pause-replicator':
          return await verifyPodFaultInjected(this.ctx, fault, effect);
        case 'remove-broker':
        case 'add-broker':
        case 'add-replicator-worker':
          return await verifyScaleFaultInjected(this.ctx, fault);
        case 'packet-loss':
        case 'network-partition':
        case 'bandwidth-cap':
        case 'latency':
          return await verifyLinkFaultInjected(this.ctx, fault);
        case 'add-partitions':
        case 'add-topic':
        case 'reassign-partitions':
          return await verifyAdminFault(fault, this.admin);
        case 'consumer-failover':
          return verifyWorkloadFault();
      }
    } catch (error) {
      return { ok: false, detail: errorMessage(error) };
    }
  }

  async heal(fault: FaultRequest, ctx: HealContext): Promise<HealResult> {
    let result: { actions: string[]; verification: Verification };
    try {
      result = await this.undoAndAwait(fault, ctx);
    } catch (error) {
      return { verified: false, detail: `the heal failed: ${errorMessage(error).split('\n')[0]}`, atMs: Date.now() };
    }
    return { verified: result.verification.ok, detail: `${result.actions.join('; ')}; ${result.verification.detail}`, atMs: Date.now() };
  }

  async verifyHealed(fault: FaultRequest, ctx: HealContext): Promise<Verification> {
    const timeoutMs = this.ctx.verifyTimeoutMs;
    switch (fault.kind) {
      case 'kill-broker':
      case 'kill-replicator':
      case 'pause-broker':
      case 'pause-replicator':
        return awaitPodFaultHealed(this.ctx, fault, ctx.effect, timeoutMs);
      case 'remove-broker':
      case 'add-broker':
      case 'add-replicator-worker':
        return awaitScaleFaultHealed(this.ctx, fault, timeoutMs);
      case 'packet-loss':
      case 'network-partition':
      case 'bandwidth-cap':
      case 'latency':
        return verifyLinkFaultHealed(this.ctx, fault, ctx.others);
      case 'add-partitions':
      case 'add-topic':
      case 'reassign-partitions':
      case 'consumer-failover':
        return { ok: true, detail: 'one-shot fault: nothing to undo' };
    }
  }

  private async undoAndAwait(fault: FaultRequest, ctx: HealContext): Promise<{ actions: string[]; verification: Verification }> {
    const timeoutMs = this.ctx.healTimeoutMs;
    switch (fault.kind) {
      case 'kill-broker':
      case 'kill-replicator':
      case 'pause-broker':
      case 'pause-replicator':
        return healPodFault(this.ctx, fault as PodFault, ctx.effect, timeoutMs);
      case 'remove-broker':
      case 'add-broker':
      case 'add-replicator-worker':
        return healScaleFault(this.ctx, fault as ScaleFault, ctx.effect, this.opts.replicaMover, timeoutMs);
      case 'packet-loss':
      case 'network-partition':
      case 'bandwidth-cap':
      case 'latency':
        return healLinkFault(this.ctx, fault as LinkFault, ctx.others);
      case 'add-partitions':
      case 'add-topic':
      case 'reassign-partitions':
      case 'consumer-failover':
        return { actions: ['one-shot fault'], verification: { ok: true, detail: 'nothing to undo' } };
    }
  }

  async close(): Promise<void> {}
}

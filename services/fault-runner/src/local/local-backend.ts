import { findLab, type LabState } from '@mirrorlab/lab';
import type { Logger } from '@mirrorlab/service-kit';
import { injectAddPartitions, injectAddTopic, injectReassignPartitions, verifyAdminFault, type AdminFaultOptions } from '../admin-faults';
import { errorMessage } from '../errors';
import type { FaultBackend, HealContext, HealResult, Injection, Verification } from '../fault-backend';
import type { FaultRequest } from '../fault-request';
import type { ClusterSizes } from '../fault-target';
import type { KafkaAdmins } from '../kafka-admin';
import {
  awaitAddBrokerHealed,
  awaitAddWorkerHealed,
  injectAddBroker,
  injectAddReplicatorWorker,
  undoAddBroker,
  undoAddReplicatorWorker,
} from './added-process-faults';
import { injectLatencyFault, undoLatencyFault, verifyLatencyFaultHealed, verifyLatencyFaultInjected } from './latency-faults';
import { injectLinkFault, undoLinkFault, verifyLinkFaultHealed, verifyLinkFaultInjected } from './network-faults';
import { awaitProcessServing, injectProcessFault, restoreProcess, verifyProcessFaultInjected, type LocalContext, type ProcessFault } from './process-faults';
import { injectWorkloadFault, verifyWorkloadFault } from '../workload-faults';

export interface LocalBackendOptions {
  labDir: string;
  admins: KafkaAdmins;
  /** Bound on every wait for a heal (and for an injection's effect). */
  healTimeoutMs: number;
  /** Bound on a verification that changes nothing (a no-op heal). */
  verifyTimeoutMs?: number;
  logger: Logger;
}

/** MM2 never replicates these whatever its `topics` regex says (its default `topics.exclude`). */
const MM2_EXCLUDED = [/.*[-.]internal$/, /.*\.replica$/, /^__.*/];

/** Why MM2 would not replicate a new topic of this name, or null. */
export function mm2TopicRefusal(lab: Pick<LabState, 'mm2'>, topic: string): string | null {
  let include: RegExp;
  try {
    include = new RegExp(`^(?:${lab.mm2.topics})$`);
  } catch {
    return null;
  }
  if (!include.test(topic)) return `${topic} does not match MirrorMaker 2's topics pattern /${lab.mm2.topics}/, so it would never be replicated`;
  if (MM2_EXCLUDED.some((re) => re.test(topic))) return `${topic} is excluded by MirrorMaker 2's default topics.exclude (internal topics), so it would never be replicated`;
  return null;
}

/**
 * Faults on the local lab (tools/lab): signals to its processes, processes added to and
 * removed from it, iptables and tc rules in its namespaces, and Kafka admin calls.
 * lab.json is re-read for every operation: pids change with every restart.
 */
export class LocalFaultBackend implements FaultBackend {
  readonly name = 'local';
  private readonly ctx: LocalContext;
  private readonly admin: AdminFaultOptions;

  constructor(private readonly opts: LocalBackendOptions) {
    const log = opts.logger.child({ component: 'lab' });
    this.ctx = { labDir: opts.labDir, admins: opts.admins, healTimeoutMs: opts.healTimeoutMs, log: (line) => log.debug('lab_progress', { line }) };
    this.admin = { admins: opts.admins, settleTimeoutMs: opts.healTimeoutMs, topicRefusal: (topic) => mm2TopicRefusal(findLab(opts.labDir), topic) };
  }

  async clusterSizes(): Promise<ClusterSizes> {
    const lab = findLab(this.opts.labDir);
    const planned = (cluster: string) => lab.processes.filter((p) => p.role === 'broker' && p.cluster === cluster && p.addedBy === undefined).length;
    return { source: planned('source'), target: planned('target') };
  }

  async inject(fault: FaultRequest): Promise<Injection> {
    switch (fault.kind) {
      case 'kill-broker':
      case 'pause-broker':
      case 'remove-broker':
      case 'kill-replicator':
      case 'pause-replicator':
        return injectProcessFault(this.ctx, fault);
      case 'add-broker':
        return injectAddBroker(this.ctx, fault);
      case 'add-replicator-worker':
        return injectAddReplicatorWorker(this.ctx, fault);
      case 'add-partitions':
        return injectAddPartitions(fault, this.admin);
      case 'add-topic':
        return injectAddTopic(fault, this.admin);
      case 'reassign-partitions':
        return injectReassignPartitions(fault, this.admin);
      case 'consumer-failover':
        return injectWorkloadFault(fault, Date.now());
      case 'packet-loss':
      case 'network-partition':
      case 'bandwidth-cap':
        return injectLinkFault(this.ctx, fault);
      case 'latency':
        return injectLatencyFault(this.ctx, fault);
    }
  }

  async verifyInjected(fault: FaultRequest): Promise<Verification> {
    try {
      switch (fault.kind) {
        case 'kill-broker':
        case 'pause-broker':
        case 'remove-broker':
        case 'kill-replicator':
        case 'pause-replicator':
          return verifyProcessFaultInjected(this.ctx, fault);
        case 'add-broker':
        case 'add-replicator-worker': {
          const added = findLab(this.opts.labDir).processes.filter((p) => p.addedBy === fault.faultId);
          return { ok: added.length > 0, detail: added.length > 0 ? `added: ${added.map((p) => p.name).join(', ')}` : 'nothing of this fault in the lab' };
        }
        case 'add-partitions':
        case 'add-topic':
        case 'reassign-partitions':
          return verifyAdminFault(fault, this.admin);
        case 'consumer-failover':
          return verifyWorkloadFault();
        case 'packet-loss':
        case 'network-partition':
        case 'bandwidth-cap':
          return verifyLinkFaultInjected(this.ctx, fault);
        case 'latency':
          return await verifyLatencyFaultInjected(this.ctx, fault);
      }
    } catch (error) {
      return { ok: false, detail: errorMessage(error) };
    }
  }

  async heal(fault: FaultRequest, ctx: HealContext): Promise<HealResult> {
    let actions: string[];
    let verification: Verification;
    try {
      ({ actions, verification } = await this.undoAndAwait(fault, ctx, this.opts.healTimeoutMs));
    } catch (error) {
      return { verified: false, detail: `the heal failed: ${errorMessage(error).split('\n')[0]}`, atMs: Date.now() };
    }
    return { verified: verification.ok, detail: `${actions.join('; ')}; ${verification.detail}`, atMs: Date.now() };
  }

  async verifyHealed(fault: FaultRequest, ctx: HealContext): Promise<Verification> {
    const timeoutMs = this.opts.verifyTimeoutMs ?? 30_000;
    try {
      switch (fault.kind) {
        case 'kill-broker':
        case 'pause-broker':
        case 'remove-broker':
        case 'kill-replicator':
        case 'pause-replicator':
          return await awaitProcessServing(this.ctx, fault, { timeoutMs, notBeforeMs: null });
        case 'add-broker':
          return await awaitAddBrokerHealed(this.ctx, fault, timeoutMs);
        case 'add-replicator-worker':
          return await awaitAddWorkerHealed(this.ctx, fault, [], timeoutMs);
        case 'add-partitions':
        case 'add-topic':
        case 'reassign-partitions':
        case 'consumer-failover':
          return { ok: true, detail: 'one-shot fault: nothing to undo' };
        case 'packet-loss':
        case 'network-partition':
        case 'bandwidth-cap':
          return verifyLinkFaultHealed(this.ctx, fault, ctx.others);
        case 'latency':
          return await verifyLatencyFaultHealed(this.ctx, fault, ctx.others);
      }
    } catch (error) {
      return { ok: false, detail: errorMessage(error) };
    }
  }

  private async undoAndAwait(fault: FaultRequest, ctx: HealContext, timeoutMs: number): Promise<{ actions: string[]; verification: Verification }> {
    switch (fault.kind) {
      case 'kill-broker':
      case 'pause-broker':
      case 'remove-broker':
      case 'kill-replicator':
      case 'pause-replicator': {
        const { actions, restartedAtMs } = await restoreProcess(this.ctx, fault as ProcessFault);
        return { actions, verification: await awaitProcessServing(this.ctx, fault as ProcessFault, { timeoutMs, notBeforeMs: restartedAtMs }) };
      }
      case 'add-broker': {
        const actions = await undoAddBroker(this.ctx, fault);
        return { actions, verification: await awaitAddBrokerHealed(this.ctx, fault, timeoutMs) };
      }
      case 'add-replicator-worker': {
        const { actions, gone } = await undoAddReplicatorWorker(this.ctx, fault);
        const fromEffect = typeof ctx.effect?.workerId === 'string' ? [ctx.effect.workerId] : [];
        return { actions, verification: await awaitAddWorkerHealed(this.ctx, fault, [...new Set([...gone, ...fromEffect])], timeoutMs) };
      }
      case 'add-partitions':
      case 'add-topic':
      case 'reassign-partitions':
      case 'consumer-failover':
        return { actions: ['one-shot fault'], verification: { ok: true, detail: 'nothing to undo' } };
      case 'packet-loss':
      case 'network-partition':
      case 'bandwidth-cap': {
        const actions = undoLinkFault(this.ctx, fault);
        return { actions, verification: verifyLinkFaultHealed(this.ctx, fault, ctx.others) };
      }
      case 'latency': {
        const actions = await undoLatencyFault(this.ctx, fault);
        return { actions, verification: await verifyLatencyFaultHealed(this.ctx, fault, ctx.others) };
      }
    }
  }

  async close(): Promise<void> {}
}

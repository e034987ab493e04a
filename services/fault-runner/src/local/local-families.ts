import { findLab } from '@mirrorlab/lab';
import { adminFaults, byKind, type FamilyTable, type KindHandler } from '../fault-families';
import { workloadFaults } from '../workload-faults';
import type { AdminFaultOptions } from '../admin-faults';
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
import {
  awaitProcessServing,
  injectProcessFault,
  restoreProcess,
  verifyProcessFaultInjected,
  type LocalContext,
  type ProcessFaultKind,
} from './process-faults';

/**
 * How the local lab applies each family: signals to its processes (process, and
 * remove-broker), processes added to it (add-broker, add-replicator-worker), iptables and
 * tc rules in its namespaces (link; latency through Toxiproxy), and Kafka admin calls.
 */
export function localFamilies(ctx: LocalContext, admin: AdminFaultOptions, verifyTimeoutMs: number): FamilyTable {
  const processes: KindHandler<ProcessFaultKind> = {
    inject: (fault) => injectProcessFault(ctx, fault),
    verifyInjected: async (fault) => verifyProcessFaultInjected(ctx, fault),
    undo: async (fault) => {
      const { actions, restartedAtMs } = await restoreProcess(ctx, fault);
      return { actions, verification: await awaitProcessServing(ctx, fault, { timeoutMs: ctx.healTimeoutMs, notBeforeMs: restartedAtMs }) };
    },
    verifyHealed: (fault) => awaitProcessServing(ctx, fault, { timeoutMs: verifyTimeoutMs, notBeforeMs: null }),
  };
  const added = async (fault: { faultId: string }) => {
    const processesOfFault = findLab(ctx.labDir).processes.filter((p) => p.addedBy === fault.faultId);
    return {
      ok: processesOfFault.length > 0,
      detail: processesOfFault.length > 0 ? `added: ${processesOfFault.map((p) => p.name).join(', ')}` : 'nothing of this fault in the lab',
    };
  };
  const networkRules: KindHandler<'packet-loss' | 'network-partition' | 'bandwidth-cap'> = {
    inject: async (fault) => injectLinkFault(ctx, fault),
    verifyInjected: async (fault) => verifyLinkFaultInjected(ctx, fault),
    undo: async (fault, heal) => ({ actions: undoLinkFault(ctx, fault), verification: verifyLinkFaultHealed(ctx, fault, heal.others) }),
    verifyHealed: async (fault, heal) => verifyLinkFaultHealed(ctx, fault, heal.others),
  };
  return {
    process: processes,
    membership: byKind<'membership'>({
      'remove-broker': processes,
      'add-broker': {
        inject: (fault) => injectAddBroker(ctx, fault),
        verifyInjected: added,
        undo: async (fault) => ({
          actions: await undoAddBroker(ctx, fault),
          verification: await awaitAddBrokerHealed(ctx, fault, ctx.healTimeoutMs),
        }),
        verifyHealed: (fault) => awaitAddBrokerHealed(ctx, fault, verifyTimeoutMs),
      },
      'add-replicator-worker': {
        inject: (fault) => injectAddReplicatorWorker(ctx, fault),
        verifyInjected: added,
        undo: async (fault, heal) => {
          const { actions, gone } = await undoAddReplicatorWorker(ctx, fault);
          const fromEffect = typeof heal.effect?.workerId === 'string' ? [heal.effect.workerId] : [];
          return {
            actions,
            verification: await awaitAddWorkerHealed(ctx, fault, [...new Set([...gone, ...fromEffect])], ctx.healTimeoutMs),
          };
        },
        verifyHealed: (fault) => awaitAddWorkerHealed(ctx, fault, [], verifyTimeoutMs),
      },
    }),
    admin: adminFaults(admin),
    workload: workloadFaults(),
    link: byKind<'link'>({
      'packet-loss': networkRules,
      'network-partition': networkRules,
      'bandwidth-cap': networkRules,
      latency: {
        inject: (fault) => injectLatencyFault(ctx, fault),
        verifyInjected: (fault) => verifyLatencyFaultInjected(ctx, fault),
        undo: async (fault, heal) => ({
          actions: await undoLatencyFault(ctx, fault),
          verification: await verifyLatencyFaultHealed(ctx, fault, heal.others),
        }),
        verifyHealed: (fault, heal) => verifyLatencyFaultHealed(ctx, fault, heal.others),
      },
    }),
  };
}

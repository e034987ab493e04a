import type { AdminFaultOptions } from '../admin-faults';
import { adminFaults, workloadFaults, type FamilyTable } from '../fault-families';
import { healLinkFault, injectLinkFault, verifyLinkFaultHealed, verifyLinkFaultInjected } from './link-faults';
import { awaitPodFaultHealed, healPodFault, injectPodFault, verifyPodFaultInjected } from './pod-faults';
import { awaitScaleFaultHealed, healScaleFault, injectScaleFault, verifyScaleFaultInjected, type ReplicaMover } from './scale-faults';
import type { KubeFaultContext } from './sut-view';

/**
 * How the Kubernetes backend applies each family: pods deleted or failed by Chaos Mesh
 * PodChaos (process), sets scaled (membership), NetworkChaos (link), and the shared Kafka
 * admin faults.
 */
export function kubernetesFamilies(ctx: KubeFaultContext, admin: AdminFaultOptions, replicaMover: ReplicaMover | undefined): FamilyTable {
  return {
    process: {
      inject: (fault) => injectPodFault(ctx, fault),
      verifyInjected: (fault, effect) => verifyPodFaultInjected(ctx, fault, effect),
      undo: (fault, heal) => healPodFault(ctx, fault, heal.effect, ctx.healTimeoutMs),
      verifyHealed: (fault, heal) => awaitPodFaultHealed(ctx, fault, heal.effect, ctx.verifyTimeoutMs),
    },
    membership: {
      inject: (fault) => injectScaleFault(ctx, fault),
      verifyInjected: (fault) => verifyScaleFaultInjected(ctx, fault),
      undo: (fault, heal) => healScaleFault(ctx, fault, heal.effect, replicaMover, ctx.healTimeoutMs),
      verifyHealed: (fault) => awaitScaleFaultHealed(ctx, fault, ctx.verifyTimeoutMs),
    },
    admin: adminFaults(admin),
    workload: workloadFaults(() => Date.now()),
    link: {
      inject: (fault) => injectLinkFault(ctx, fault),
      verifyInjected: (fault) => verifyLinkFaultInjected(ctx, fault),
      undo: (fault, heal) => healLinkFault(ctx, fault, heal.others),
      verifyHealed: (fault, heal) => verifyLinkFaultHealed(ctx, fault, heal.others),
    },
  };
}

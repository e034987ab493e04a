import { faultFamily, type FaultFamily, type FaultKind, type FaultKindsOf } from '@mirrorlab/protocol';
import { injectAddPartitions, injectAddTopic, injectReassignPartitions, verifyAdminFault, type AdminFaultOptions } from './admin-faults';
import type { FaultEffect, HealContext, Injection, Verification } from './fault-backend';
import type { FaultRequest, FaultRequestOf } from './fault-request';
import { injectRecreateTopic, verifyRecreateTopic } from './recreate-topic';
import { healRetentionPurge, injectRetentionPurge, verifyRetentionPurgeHealed, verifyRetentionPurgeInjected } from './retention-faults';

/** What undoing a fault did, and whether the system is back as it was (waited for, bounded). */
export interface Undone {
  actions: string[];
  verification: Verification;
}

/** How a backend applies faults of some kinds: the `FaultBackend` operations, for those kinds only. */
export interface KindHandler<K extends FaultKind> {
  inject(fault: FaultRequestOf<K>): Promise<Injection>;
  verifyInjected(fault: FaultRequestOf<K>, effect: FaultEffect | undefined): Promise<Verification>;
  /** Undoes the fault, then waits until it is healed. */
  undo(fault: FaultRequestOf<K>, ctx: HealContext): Promise<Undone>;
  /** Only looks; may wait up to the backend's verify timeout. */
  verifyHealed(fault: FaultRequestOf<K>, ctx: HealContext): Promise<Verification>;
}

export type FamilyHandler<F extends FaultFamily> = KindHandler<FaultKindsOf<F>>;

/**
 * A backend's faults by family (the fault catalog's): one handler per family, so a new kind
 * of an existing family needs no change here, and a new family fails to compile until every
 * backend handles it.
 */
export type FamilyTable = { readonly [F in FaultFamily]: FamilyHandler<F> };

/** The handler of a fault's family in a backend's table. */
export function handlerFor(table: FamilyTable, fault: FaultRequest): KindHandler<FaultKind> {
  return table[faultFamily(fault.kind)] as KindHandler<FaultKind>;
}

/** A family handler made of one handler per kind, where a backend applies the kinds of a family differently. */
export function byKind<F extends FaultFamily>(handlers: { readonly [K in FaultKindsOf<F>]: KindHandler<K> }): FamilyHandler<F> {
  const of = (fault: FaultRequestOf<FaultKindsOf<F>>) => handlers[fault.kind as FaultKindsOf<F>] as KindHandler<FaultKindsOf<F>>;
  return {
    inject: (fault) => of(fault).inject(fault),
    verifyInjected: (fault, effect) => of(fault).verifyInjected(fault, effect),
    undo: (fault, ctx) => of(fault).undo(fault, ctx),
    verifyHealed: (fault, ctx) => of(fault).verifyHealed(fault, ctx),
  };
}

const nothingToUndo = async (): Promise<Undone> => ({ actions: ['one-shot fault'], verification: { ok: true, detail: 'nothing to undo' } });
const oneShotHealed = async (): Promise<Verification> => ({ ok: true, detail: 'one-shot fault: nothing to undo' });

/** A one-shot Kafka admin fault: applied by `inject`, checked by the admin verification; its heal only verifies. */
function oneShotAdmin<K extends 'add-partitions' | 'add-topic' | 'reassign-partitions'>(
  opts: AdminFaultOptions,
  inject: (fault: FaultRequestOf<K>, opts: AdminFaultOptions) => Promise<Injection>,
): KindHandler<K> {
  return {
    inject: (fault) => inject(fault, opts),
    verifyInjected: (fault) => verifyAdminFault(fault, opts),
    undo: nothingToUndo,
    verifyHealed: oneShotHealed,
  };
}

/** Kafka admin faults, the same on every backend: they go to the clusters' admin APIs. */
export function adminFaults(opts: AdminFaultOptions): FamilyHandler<'admin'> {
  return byKind<'admin'>({
    'add-partitions': oneShotAdmin(opts, injectAddPartitions),
    'add-topic': oneShotAdmin(opts, injectAddTopic),
    'reassign-partitions': oneShotAdmin(opts, injectReassignPartitions),
    'recreate-topic': {
      inject: (fault) => injectRecreateTopic(fault, opts),
      verifyInjected: (fault) => verifyRecreateTopic(fault, opts),
      undo: nothingToUndo,
      verifyHealed: oneShotHealed,
    },
    'retention-purge': {
      inject: (fault) => injectRetentionPurge(fault, opts),
      verifyInjected: (fault) => verifyRetentionPurgeInjected(fault, opts),
      undo: (fault, ctx) => healRetentionPurge(fault, ctx.effect, opts),
      verifyHealed: (fault, ctx) => verifyRetentionPurgeHealed(fault, ctx.effect, opts),
    },
  });
}

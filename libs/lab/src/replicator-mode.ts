/**
 * How the lab runs MirrorMaker 2 (a scenario's `replicator.mode`):
 * - `dedicated`: dedicated mode, at-least-once (records read but not committed before a kill
 *   are copied again); its source consumer reads at Kafka's default, read_uncommitted.
 * - `dedicated-eos`: the same with exactly-once source support (KIP-618, Kafka >= 3.5): each
 *   task writes a batch and its source offsets in one transaction on the target, and its source
 *   consumer reads at read_committed, so aborted source transactions are not copied. Dedicated
 *   mode needs the internal REST listener for it (KIP-710), which the lab always enables.
 * - `connect`: the three MM2 connectors on a Kafka Connect cluster of two workers in distributed
 *   mode, configured through its REST API (connect-cluster.ts), at-least-once: how Strimzi and
 *   most installations run MirrorMaker 2.
 */
import type { Properties } from './config';
import type { LabState } from './state';

export type ReplicatorModeName = 'dedicated' | 'dedicated-eos' | 'connect';
export const REPLICATOR_MODE_NAMES: readonly ReplicatorModeName[] = ['dedicated', 'dedicated-eos', 'connect'];

/** A lab created before modes existed runs dedicated (at-least-once). */
export function replicatorModeOf(state: LabState): ReplicatorModeName {
  return state.mm2.mode ?? 'dedicated';
}

/** The mm2.properties lines a mode adds (none for `dedicated`). */
export function replicatorModeProperties(state: LabState): Properties {
  if (replicatorModeOf(state) !== 'dedicated-eos') return [];
  const { sourceAlias, targetAlias } = state.mm2;
  return [
    '',
    'replicator mode dedicated-eos: exactly-once source support (KIP-618) on the worker that writes to the target,',
    'and the source consumer at read_committed (else aborted source transactions are mirrored as committed)',
    [`${targetAlias}.exactly.once.source.support`, 'enabled'],
    [`${sourceAlias}.consumer.isolation.level`, 'read_committed'],
  ];
}

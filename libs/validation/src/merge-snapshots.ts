import type { ValidatorSnapshot } from './snapshot';
import { ValidatorState } from './validator-state';

/**
 * Merges validator snapshots (untrusted JSON, checked) into one: the snapshot one
 * validator would have had after reading what all of them read. Commutative and
 * associative; each snapshot must be merged once (see `ValidatorState`).
 */
export function mergeSnapshots(...snapshots: unknown[]): ValidatorSnapshot {
  const states = snapshots.map((s) => ValidatorState.fromSnapshot(s));
  if (states.length === 0) return new ValidatorState().toSnapshot();
  return states.reduce((acc, s) => ValidatorState.merge(acc, s)).toSnapshot();
}

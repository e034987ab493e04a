import type { ProducerReport } from '../producer-report';
import type { Observation } from '../types';
import { ValidatorState } from '../validator-state';

/**
 * Test helpers (not exported by the package): terse observations on one
 * partition, and a validator fed a list of (seq, offset) reads.
 */
export function obs(seq: number, offset: number, over: Partial<Observation> = {}): Observation {
  return {
    topic: 't',
    partition: 0,
    offset,
    producerId: 'p1',
    keyEpoch: 0,
    key: 'k',
    seq,
    sendTimeUs: 1_000_000 + seq,
    arrivalUs: 2_000_000 + offset,
    ...over,
  };
}

/** Reads seqs in order at consecutive offsets 0, 1, 2...; returns each classification. */
export function readSeqs(state: ValidatorState, seqs: number[], over: Partial<Observation> = {}): string[] {
  return seqs.map((seq, offset) => state.observe(obs(seq, offset, over)));
}

/** A report for producer p1, key k, epoch 0. */
export function report(
  outcomes: { acked?: Array<[number, number]>; failed?: Array<[number, number]>; indeterminate?: Array<[number, number]> },
  producerId = 'p1',
): ProducerReport {
  return {
    producerId,
    keys: [
      { keyEpoch: 0, key: 'k', acked: outcomes.acked ?? [], failed: outcomes.failed ?? [], indeterminate: outcomes.indeterminate ?? [] },
    ],
  };
}

export function stateOf(seqs: number[], options: { firstSeq?: number; maxExamples?: number } = {}): ValidatorState {
  const s = new ValidatorState(options);
  readSeqs(s, seqs);
  return s;
}

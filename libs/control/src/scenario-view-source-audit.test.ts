import { ValidatorState } from '@mirrorlab/validation';
import type { ControlEvent, ControlEventOf } from './control-events';
import { ScenarioView } from './scenario-view';

const base = { v: 1 as const, scenarioId: 's1', source: 'x' };

/** A state that read seqs `seqs` of key k at offsets 0.. of `topic`/0. */
function stateOf(topic: string, seqs: number[]): unknown {
  const s = new ValidatorState();
  seqs.forEach((seq, offset) =>
    s.observe({ topic, partition: 0, offset, producerId: 'p', keyEpoch: 0, key: 'k', seq, sendTimeUs: 0, arrivalUs: 0 }),
  );
  return s.toSnapshot();
}

const report = (validatorId: string, atMs: number, opts: Partial<ControlEventOf<'validator.report'>> = {}): ControlEvent => ({
  ...base,
  type: 'validator.report',
  atMs,
  validatorId,
  final: false,
  state: new ValidatorState().toSnapshot(),
  latency: {},
  partitions: [],
  drained: false,
  ...opts,
});

const producerFinal = (acked: number): ControlEvent => ({
  ...base,
  type: 'producer.progress',
  atMs: 10,
  producerId: 'p',
  final: true,
  counts: { sent: acked, acked, failed: 0, indeterminate: 0, bytesSent: 0, achievedRate: 0, targetRate: 0 },
  windows: [],
  rates: [],
  keys: [{ topic: 'src', keyEpoch: 0, key: 'k', acked: [[0, acked - 1]], failed: [], indeterminate: [] }],
});

function fold(events: ControlEvent[]): ScenarioView {
  const v = new ScenarioView('s1');
  events.forEach((e) => v.apply(e));
  return v;
}

describe('ScenarioView: the source audit consumer', () => {
  const target = report('v0', 20, {
    state: stateOf('source.src', [0, 1, 3]),
    final: true,
    partitions: [{ topic: 'source.src', partition: 0, nextOffset: 3, highWatermark: 3 }],
  });
  const audit = report('a0', 21, {
    state: stateOf('src', [0, 1, 2]),
    sourceAudit: true,
    partitions: [{ topic: 'src', partition: 0, nextOffset: 3, highWatermark: 4 }],
  });

  it('keeps its reports out of the target validators, the combined state, the accounting and the lag series', () => {
    const v = fold([producerFinal(4), target, audit]);
    expect([...v.validators.keys()]).toEqual(['v0']);
    expect([...v.sourceAuditValidators.keys()]).toEqual(['a0']);
    expect(v.progress.map((p) => p.validatorId)).toEqual(['v0']);
    expect(v.combined().state?.positions()).toEqual([{ topic: 'source.src', partition: 0, nextOffset: 3 }]);
    expect(v.accounting()).toMatchObject({ lost: { count: 1 }, unseen: { count: 0 }, totals: { seenDistinct: 3 } });
  });

  it('folds them into a source state by the same rule, reconciled with the producers apart', () => {
    const v = fold([producerFinal(4), target, audit]);
    expect(v.sourceCombined().state?.positions()).toEqual([{ topic: 'src', partition: 0, nextOffset: 3 }]);
    expect(v.sourceAccounting()).toMatchObject({ totals: { acked: 4, seenDistinct: 3 }, unseen: { count: 1 }, lost: { count: 0 } });
    expect(v.latestPartition('src', 0, 'source-audit')?.partitions[0].nextOffset).toBe(3);
    expect(v.latestPartition('src', 0)).toBeUndefined();
  });

  it('gives the source state to the lost split: a record lost on the target that the audit consumer read is lost in replication', () => {
    const v = fold([producerFinal(4), target, audit]);
    const acc = v.accounting({ source: true });
    expect(acc?.lostSplit).toMatchObject({ audited: true, lostInReplication: { count: 1 }, sourceReads: { 'read-on-source': 1 } });
    expect(fold([producerFinal(4), target]).accounting({ source: true })?.lostSplit.sourceReads).toBeUndefined();
  });

  it('awaits its final report like any validator', () => {
    expect(fold([target, audit, { ...base, type: 'scenario.drained', atMs: 30, drained: true, waitedMs: 0 }]).readiness()).toMatchObject({
      awaitingFinal: ['a0'],
      complete: false,
    });
    expect(fold([target, { ...audit, final: true } as ControlEvent]).readiness().awaitingFinal).toEqual([]);
  });

  it('an event without the field is a target validator (older events parse as before)', () => {
    const v = fold([report('v1', 5)]);
    expect(v.validators.has('v1')).toBe(true);
    expect(v.sourceAuditValidators.size).toBe(0);
    expect(v.sourceAccounting()).toBeUndefined();
  });
});

describe('ScenarioView: three sets of validators at once (own, read_uncommitted, source audit)', () => {
  const own = report('v0', 20, {
    state: stateOf('source.src', [0, 1]),
    final: true,
    partitions: [{ topic: 'source.src', partition: 0, nextOffset: 2, highWatermark: 2 }],
  });
  const uncommitted = report('u0', 21, {
    state: stateOf('source.src', [0, 1, 2]),
    isolation: 'read_uncommitted',
    partitions: [{ topic: 'source.src', partition: 0, nextOffset: 3, highWatermark: 3 }],
  });
  const audit = report('a0', 22, {
    state: stateOf('src', [0, 1, 2, 3]),
    sourceAudit: true,
    partitions: [{ topic: 'src', partition: 0, nextOffset: 4, highWatermark: 4 }],
  });

  it('folds each apart: no report counts in another set, each hands its own partition over', () => {
    const v = fold([producerFinal(4), own, uncommitted, audit]);
    expect([...v.validators.keys()]).toEqual(['v0']);
    expect(v.latestValidatorReports('read_uncommitted').map((r) => r.validatorId)).toEqual(['u0']);
    expect(v.latestSourceAuditReports().map((r) => r.validatorId)).toEqual(['a0']);
    expect(v.latestPartition('source.src', 0)?.partitions[0].nextOffset).toBe(2);
    expect(v.latestPartition('source.src', 0, 'read_uncommitted')?.partitions[0].nextOffset).toBe(3);
    expect(v.latestPartition('src', 0, 'source-audit')?.partitions[0].nextOffset).toBe(4);
    expect(v.accounting()).toMatchObject({ totals: { seenDistinct: 2 } });
    expect(v.sourceAccounting()).toMatchObject({ totals: { seenDistinct: 4 } });
    expect(v.progress.map((p) => p.validatorId)).toEqual(['v0']);
  });

  it('awaits a final report from every set: the drain names each validator still without one', () => {
    const v = fold([producerFinal(4), own, uncommitted, audit]);
    expect(v.readiness().awaitingFinal).toEqual(['a0', 'u0']);
    expect(v.latestReportsOfEverySet().map((r) => r.validatorId)).toEqual(['v0', 'u0', 'a0']);
    const done = fold([producerFinal(4), own, { ...uncommitted, final: true } as ControlEvent, { ...audit, final: true } as ControlEvent]);
    expect(done.readiness().awaitingFinal).toEqual([]);
  });
});

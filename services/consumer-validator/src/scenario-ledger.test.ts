import type { ControlEvent } from '@mirrorlab/control';
import { ValidatorState } from '@mirrorlab/validation';
import { ScenarioLedger } from './scenario-ledger';

const report = (validatorId: string, atMs: number, state: unknown): ControlEvent => ({
  v: 1,
  type: 'validator.report',
  scenarioId: 'sc',
  atMs,
  source: validatorId,
  validatorId,
  final: false,
  state,
  latency: {},
  partitions: [],
  drained: false,
});

function stateAt(offsets: number) {
  const s = new ValidatorState();
  for (let i = 0; i < offsets; i++)
    s.observe({ topic: 't', partition: 0, offset: i, producerId: 'p', keyEpoch: 0, key: 'k', seq: i, sendTimeUs: 0, arrivalUs: 0 });
  return s.toSnapshot();
}

describe('ScenarioLedger', () => {
  it('hands over the most advanced published state of a partition', () => {
    const ledger = new ScenarioLedger();
    ledger.apply(report('a', 1, stateAt(3)));
    ledger.apply(report('b', 2, stateAt(7)));
    ledger.apply(report('a', 0, stateAt(9))); // an older event of a: superseded, ignored
    expect(ledger.latestPartition('sc', 't', 0)?.partitions[0].nextOffset).toBe(7);
    expect(ledger.latestPartition('sc', 't', 1)).toBeUndefined();
    expect(ledger.latestPartition('other', 't', 0)).toBeUndefined();
  });

  it('keeps the latest key report of each producer', () => {
    const ledger = new ScenarioLedger();
    const progress = (acked: number): Extract<ControlEvent, { type: 'producer.progress' }> => ({
      v: 1,
      type: 'producer.progress',
      scenarioId: 'sc',
      atMs: acked,
      source: 'p',
      producerId: 'p',
      final: false,
      counts: { sent: acked, acked, failed: 0, indeterminate: 0, bytesSent: 0, achievedRate: 0, targetRate: 0 },
      keys: [{ topic: 't', keyEpoch: 0, key: 'k', acked: [[0, acked - 1]], failed: [], indeterminate: [] }],
      windows: [],
      rates: [],
    });
    ledger.apply(progress(5));
    ledger.apply(progress(9));
    expect(ledger.producers('sc')).toEqual([{ producerId: 'p', scenarioId: 'sc', keys: progress(9).keys }]);
  });
});

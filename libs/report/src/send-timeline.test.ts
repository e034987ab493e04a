import { KeyPlan } from '@mirrorlab/protocol';
import type { ProducerTrack } from '@mirrorlab/control';
import { SendTimeline } from './send-timeline';
import { readSpec } from './spec-view';
import { testScenarioSpec } from '@mirrorlab/control/testing';

/** The workload every spec here needs; only keysPerPartition matters. */
const workload = { rate: { records: 10 }, duration: '10s' };

const plan = KeyPlan.build({ producerId: 'p1', partitions: 2, keysPerPartition: 2, epoch: 0 });
const keyReport = (topic: string, key: string) => ({ topic, keyEpoch: 0, key, acked: [], failed: [], indeterminate: [] });

/** 10 records/s for 3 s, then 20 in the fourth second. */
function producer(keys: ProducerTrack['keys']): ProducerTrack {
  return {
    producerId: 'p1',
    reports: 1,
    final: true,
    counts: { sent: 50, acked: 50, failed: 0, indeterminate: 0, bytesSent: 0, achievedRate: 0, targetRate: 0 },
    keys,
    rates: new Map(),
    windows: new Map([
      [1000, { sent: 10, acked: 10 }],
      [0, { sent: 10, acked: 10 }],
      [2000, { sent: 10, acked: 10 }],
      [3000, { sent: 20, acked: 20 }],
    ]),
  };
}

describe('SendTimeline', () => {
  it('places a record by its index in the KeyPlan round-robin (seq x keys + key index)', () => {
    const timeline = new SendTimeline(
      [producer(plan.keys.map((k) => keyReport('a', k)))],
      readSpec(testScenarioSpec({ topics: [{ name: 'a', partitions: 2 }], workload: { ...workload, keysPerPartition: 2 } })),
    );
    const at = (keyIndex: number, seq: number) => timeline.estimate({ producerId: 'p1', keyEpoch: 0, key: plan.keys[keyIndex], seq });
    expect(at(3, 2)).toEqual({ kind: 'estimated', fromMs: 1000, toMs: 2000, basis: "producer p1's per-second send counts" }); // record 11
    expect(at(0, 0)).toMatchObject({ fromMs: 0 });
    expect(at(1, 6)).toMatchObject({ fromMs: 2000 }); // record 25
    expect(at(0, 12)).toMatchObject({ fromMs: 3000 }); // record 48
    expect(at(0, 13).kind).toBe('unknown'); // record 52: never sent
  });

  it('counts the producer round-robin over topics', () => {
    const spec = readSpec(
      testScenarioSpec({
        topics: [
          { name: 'a', partitions: 2 },
          { name: 'b', partitions: 2 },
        ],
        workload: { ...workload, keysPerPartition: 2 },
      }),
    );
    const timeline = new SendTimeline([producer([keyReport('b', plan.keys[1])])], spec);
    // Topic b is second: record 5 of topic b is the producer's record 5 x 2 + 1 = 11.
    expect(timeline.estimate({ producerId: 'p1', keyEpoch: 0, key: plan.keys[1], seq: 1 })).toMatchObject({ fromMs: 1000 });
  });

  it('says unknown when it cannot tell', () => {
    const spec = readSpec(
      testScenarioSpec({
        topics: [
          { name: 'a', partitions: 2 },
          { name: 'b', partitions: 2 },
        ],
        workload: { ...workload, keysPerPartition: 2 },
      }),
    );
    const timeline = new SendTimeline([producer(plan.keys.flatMap((k) => [keyReport('a', k), keyReport('b', k)]))], spec);
    expect(timeline.estimate({ producerId: 'p1', keyEpoch: 0, key: plan.keys[1], seq: 0 }).kind).toBe('unknown'); // same key in two topics
    expect(timeline.estimate({ producerId: 'p9', keyEpoch: 0, key: plan.keys[1], seq: 0 }).kind).toBe('unknown');
    expect(timeline.estimate({ producerId: 'p1', keyEpoch: 1, key: plan.keys[1], seq: 0 }).kind).toBe('unknown');
    expect(timeline.estimate({ producerId: 'p1', keyEpoch: 0, key: 'not-a-plan-key', seq: 0 }).kind).toBe('unknown');
  });
});

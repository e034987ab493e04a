import { KeyPlan } from '@mirrorlab/protocol';
import type { ExampleTime } from './report-schema';
import type { ProducerTrack } from '@mirrorlab/control';
import type { SpecView } from './spec-view';

interface ProducerTimeline {
  /** Window starts (ms), ascending, and the number of records sent before the end of each. */
  starts: number[];
  cumulative: number[];
  /** Source topic of each (epoch, key), from the producer's per-key report. */
  topicOf: Map<string, string | null>;
}

/**
 * Estimates when a record that was never read was sent, from what its producer
 * says it sent each second. A producer writes its topics round-robin, record by
 * record, and within a topic the KeyPlan gives record i the key i mod K with
 * sequence floor(i / K) (K = partitions x keysPerPartition). So the producer's
 * n-th record overall is known exactly from (key index, seq, topic), and the
 * per-second send counts place it within one second. Only key epoch 0 is placed:
 * after partitions are added the count restarts at an unrecorded moment.
 */
export class SendTimeline {
  private readonly producers = new Map<string, ProducerTimeline>();
  private readonly topicOrder: Map<string, number>;
  private readonly keysPerTopic: Map<string, number>;

  constructor(producers: readonly ProducerTrack[], spec: SpecView) {
    this.topicOrder = new Map(spec.topics.map((t, i) => [t.name, i]));
    this.keysPerTopic = new Map(spec.topics.map((t) => [t.name, t.partitions * spec.workload.keysPerPartition]));
    for (const p of producers) {
      const starts = [...p.windows.keys()].sort((a, b) => a - b);
      let total = 0;
      const cumulative = starts.map((s) => (total += p.windows.get(s)!.sent));
      // Every topic gets the same KeyPlan keys: a key reported under two topics cannot be placed.
      const topicOf = new Map<string, string | null>();
      for (const k of p.keys ?? []) {
        const id = `${k.keyEpoch}\u0000${k.key}`;
        topicOf.set(id, topicOf.has(id) && topicOf.get(id) !== k.topic ? null : k.topic);
      }
      this.producers.set(p.producerId, { starts, cumulative, topicOf });
    }
  }

  estimate(e: { producerId: string; keyEpoch: number; key: string; seq: number }): ExampleTime {
    const p = this.producers.get(e.producerId);
    const parsed = KeyPlan.parseKey(e.key);
    const topic = p?.topicOf.get(`${e.keyEpoch}\u0000${e.key}`);
    if (p === undefined || parsed === undefined || e.keyEpoch !== 0 || topic === undefined || topic === null) return { kind: 'unknown' };
    const position = this.topicOrder.get(topic);
    const keyCount = this.keysPerTopic.get(topic);
    if (position === undefined || keyCount === undefined || parsed.keyIndex >= keyCount) return { kind: 'unknown' };
    const n = (e.seq * keyCount + parsed.keyIndex) * this.topicOrder.size + position;
    // First window whose cumulative count passes n: the record was the (n+1)-th sent.
    let lo = 0;
    let hi = p.cumulative.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (p.cumulative[mid] > n) hi = mid;
      else lo = mid + 1;
    }
    if (lo === p.cumulative.length) return { kind: 'unknown' };
    return {
      kind: 'estimated',
      fromMs: p.starts[lo],
      toMs: p.starts[lo] + 1000,
      basis: `producer ${e.producerId}'s per-second send counts`,
    };
  }
}

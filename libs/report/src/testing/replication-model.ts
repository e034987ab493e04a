import { KeyPlan } from '@mirrorlab/protocol';

/**
 * A small, deterministic model of a replicated run for tests: producers send at
 * a steady rate, a replicator copies records to the target with a little
 * latency (and stops during "stall" faults, then catches up at a few times the
 * rate), validators read them shortly after. Every record gets its send, append
 * and arrival time and its target offset, so the fixture can play the run back
 * through the real checker.
 */
export interface ModelOptions {
  startAtMs: number;
  durationS: number;
  producers: number;
  /** Total records/s over all producers. */
  rate: number;
  partitions: number;
  keysPerPartition: number;
  /** Windows during which the replicator copies nothing. */
  stalls: ReadonlyArray<{ fromMs: number; toMs: number }>;
  seed: number;
}

export interface ModelRecord {
  producerId: string;
  key: string;
  seq: number;
  partition: number;
  sendMs: number;
  appendMs: number;
  arrivalMs: number;
  /** What the source cluster answered. */
  outcome: 'acked' | 'failed' | 'indeterminate';
  /** False: never written to the target (lost, unseen or a send that did not commit). */
  replicated: boolean;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function simulate(o: ModelOptions): ModelRecord[] {
  const rnd = mulberry32(o.seed);
  const perProducer = o.rate / o.producers;
  const sends: ModelRecord[] = [];
  for (let p = 0; p < o.producers; p++) {
    const producerId = `p${p + 1}`;
    const plan = KeyPlan.build({ producerId, partitions: o.partitions, keysPerPartition: o.keysPerPartition, epoch: 0 });
    const n = Math.floor(perProducer * o.durationS);
    const phase = p / o.producers;
    for (let i = 0; i < n; i++) {
      const slot = plan.slotForRecord(i);
      const sendMs = o.startAtMs + Math.floor(((i + phase) / perProducer) * 1000);
      sends.push({
        producerId,
        key: slot.key,
        seq: slot.seq,
        partition: plan.partitionOfKey(slot.keyIndex),
        sendMs,
        appendMs: 0,
        arrivalMs: 0,
        outcome: 'acked',
        replicated: true,
      });
    }
  }
  sends.sort((a, b) => a.sendMs - b.sendMs || (a.producerId < b.producerId ? -1 : 1));
  // The replicator is one FIFO server with 4x the rate; each partition is read in offset order
  // at 2.5x its share of the rate. A slow record (the 2 % tail) holds back only its partition.
  const copyEveryMs = 1000 / (4 * o.rate);
  const readEveryMs = (1000 * o.partitions) / (2.5 * o.rate);
  let lastAppend = 0;
  const lastArrival = new Map<number, number>();
  for (const r of sends) {
    let ready = r.sendMs + 12 + Math.floor(-Math.log(1 - rnd()) * 22);
    for (const s of o.stalls) if (ready >= s.fromMs && ready < s.toMs) ready = s.toMs + 400;
    r.appendMs = Math.round(Math.max(ready, lastAppend + copyEveryMs));
    lastAppend = r.appendMs;
    const tail = rnd() < 0.02 ? 60 + rnd() * 180 : 0;
    r.arrivalMs = Math.round(Math.max(r.appendMs + 3 + rnd() * 12 + tail, (lastArrival.get(r.partition) ?? 0) + readEveryMs));
    lastArrival.set(r.partition, r.arrivalMs);
  }
  return sends;
}

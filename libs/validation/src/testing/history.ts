import fc from 'fast-check';
import type { ProducerReport } from '../producer-report';
import type { CorruptRecord, ForeignRecord, Observation } from '../types';

/**
 * Random replication histories with known, injected faults, for property tests.
 * The generator decides every fault itself and writes down what it did in
 * `Injected`: the checker must report exactly that, however the history is split
 * across validators and merged back.
 */

export interface HistoryParams {
  seed: number;
  producers: number;
  epochs: number;
  keysPerProducer: number;
  maxLength: number;
  /** Per-mille probabilities / counts of each fault. */
  lossPerMille: number;
  failedPerMille: number;
  indeterminatePerMille: number;
  duplicatePerMille: number;
  reorderPerMille: number;
  redeliveries: number;
  corrupt: number;
  /** Records with no mirrorlab metadata (another application's). */
  foreign: number;
  unknown: number;
  /** Sends in aborted transactions, and the chance the replicator copies one anyway (an aborted read). */
  abortedPerMille: number;
  abortedLeakPerMille: number;
}

export type Read = { kind: 'record'; obs: Observation } | { kind: 'corrupt'; rec: CorruptRecord } | { kind: 'foreign'; rec: ForeignRecord };

/** What was injected, as sets of `producer/epoch/key/seq` strings and exact counts. */
export interface Injected {
  /** Acked and dropped: must come out as lost or unseen. */
  droppedAcked: Set<string>;
  /** Of those, the ones with a later sequence of their key read: lost (the rest are unseen). */
  lost: Set<string>;
  unexpected: Set<string>;
  indeterminateSeen: Set<string>;
  indeterminateMissing: Set<string>;
  failedButSeen: Set<string>;
  /** Aborted sends that reached the target. */
  abortedRead: Set<string>;
  duplicateCopies: number;
  duplicatedSeqs: Set<string>;
  redeliveries: number;
  corruptByReason: Record<string, number>;
  foreign: number;
  /** Distinct target records with a decodable test record. */
  seenRecords: number;
  reads: number;
}

export interface History {
  /** Reads per partition (`topic/partition`), in the order a consumer would get them. */
  partitions: Map<string, Read[]>;
  reports: ProducerReport[];
  injected: Injected;
}

export const idOf = (e: { producerId: string; keyEpoch: number; key: string; seq: number }) =>
  `${e.producerId}/${e.keyEpoch}/${e.key}/${e.seq}`;

export const historyParams = (faults: boolean): fc.Arbitrary<HistoryParams> =>
  fc.record({
    seed: fc.integer(),
    producers: fc.integer({ min: 1, max: 3 }),
    epochs: fc.integer({ min: 1, max: 2 }),
    keysPerProducer: fc.integer({ min: 1, max: 4 }),
    maxLength: fc.integer({ min: 1, max: 25 }),
    lossPerMille: faults ? fc.integer({ min: 0, max: 300 }) : fc.constant(0),
    failedPerMille: faults ? fc.integer({ min: 0, max: 200 }) : fc.constant(0),
    indeterminatePerMille: faults ? fc.integer({ min: 0, max: 200 }) : fc.constant(0),
    duplicatePerMille: faults ? fc.integer({ min: 0, max: 200 }) : fc.constant(0),
    reorderPerMille: faults ? fc.integer({ min: 0, max: 300 }) : fc.constant(0),
    redeliveries: faults ? fc.integer({ min: 0, max: 6 }) : fc.constant(0),
    corrupt: faults ? fc.integer({ min: 0, max: 4 }) : fc.constant(0),
    foreign: faults ? fc.integer({ min: 0, max: 3 }) : fc.constant(0),
    unknown: faults ? fc.integer({ min: 0, max: 4 }) : fc.constant(0),
    abortedPerMille: faults ? fc.integer({ min: 0, max: 200 }) : fc.constant(0),
    abortedLeakPerMille: faults ? fc.integer({ min: 0, max: 1000 }) : fc.constant(0),
  });

/** mulberry32: small, seedable, good enough to place faults. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Src = Omit<Observation, 'offset' | 'topic' | 'partition' | 'arrivalUs'>;

/** Log items marked so are foreign records, not corrupt ones. */
const FOREIGN = '\u0000foreign';

export function buildHistory(p: HistoryParams): History {
  const rnd = prng(p.seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const chance = (perMille: number) => rnd() * 1000 < perMille;
  const injected: Injected = {
    droppedAcked: new Set(),
    lost: new Set(),
    unexpected: new Set(),
    indeterminateSeen: new Set(),
    indeterminateMissing: new Set(),
    failedButSeen: new Set(),
    abortedRead: new Set(),
    duplicateCopies: 0,
    duplicatedSeqs: new Set(),
    redeliveries: 0,
    corruptByReason: {},
    foreign: 0,
    seenRecords: 0,
    reads: 0,
  };
  const reports: ProducerReport[] = [];
  // What each partition's log receives, in write order, before offsets are assigned.
  const logs = new Map<string, Array<Src | { corrupt: string }>>();
  const append = (part: string, item: Src | { corrupt: string }, anywhere: boolean) => {
    let log = logs.get(part);
    if (log === undefined) logs.set(part, (log = []));
    log.splice(anywhere ? int(log.length + 1) : log.length, 0, item);
  };
  const keyParts: Array<{ part: string; producerId: string; keyEpoch: number; key: string; length: number }> = [];

  for (let pi = 0; pi < p.producers; pi++) {
    const producerId = `p${pi}`;
    const keys: ProducerReport['keys'][number][] = [];
    for (let keyEpoch = 0; keyEpoch < p.epochs; keyEpoch++) {
      for (let ki = 0; ki < p.keysPerProducer; ki++) {
        const key = `k${ki}`;
        const part = `${int(2) === 0 ? 'a' : 'b'}/${int(3)}`;
        const length = 1 + int(p.maxLength);
        keyParts.push({ part, producerId, keyEpoch, key, length });
        const acked: Array<[number, number]> = [];
        const failed: Array<[number, number]> = [];
        const indeterminate: Array<[number, number]> = [];
        const aborted: Array<[number, number]> = [];
        const delivered: boolean[] = [];
        for (let seq = 0; seq < length; seq++) {
          const id = idOf({ producerId, keyEpoch, key, seq });
          const outcome = chance(p.failedPerMille)
            ? 'failed'
            : chance(p.indeterminatePerMille)
              ? 'indeterminate'
              : p.abortedPerMille > 0 && chance(p.abortedPerMille)
                ? 'aborted'
                : 'acked';
          ({ acked, failed, indeterminate, aborted })[outcome].push([seq, seq]);
          // An aborted send reaches the target only when the replicator copies it anyway.
          const dropped = outcome === 'aborted' ? !chance(p.abortedLeakPerMille) : chance(p.lossPerMille);
          if (outcome === 'aborted' && !dropped) injected.abortedRead.add(id);
          delivered.push(!dropped);
          if (outcome === 'acked' && dropped) injected.droppedAcked.add(id);
          if (outcome === 'indeterminate') (dropped ? injected.indeterminateMissing : injected.indeterminateSeen).add(id);
          if (outcome === 'failed' && !dropped) injected.failedButSeen.add(id);
          if (dropped) continue;
          append(part, { producerId, keyEpoch, key, seq, sendTimeUs: seq }, false);
          injected.seenRecords++;
          if (chance(p.duplicatePerMille)) {
            // The replicator writes it again, later in the same partition.
            append(part, { producerId, keyEpoch, key, seq, sendTimeUs: seq }, false);
            injected.duplicateCopies++;
            injected.seenRecords++;
            injected.duplicatedSeqs.add(id);
          }
        }
        keys.push({ keyEpoch, key, acked, failed, indeterminate, ...(aborted.length > 0 ? { aborted } : {}) });
        for (let seq = 0; seq < length; seq++) {
          const id = idOf({ producerId, keyEpoch, key, seq });
          if (injected.droppedAcked.has(id) && delivered.slice(seq + 1).some(Boolean)) injected.lost.add(id);
        }
      }
    }
    reports.push({ producerId, keys });
  }
  // Interleave keys within each partition, then let the replicator swap neighbours.
  for (const [part, log] of logs) {
    shuffleKeepingKeyOrder(log, rnd);
    for (let i = 0; i + 1 < log.length; i++) {
      if (chance(p.reorderPerMille)) [log[i], log[i + 1]] = [log[i + 1], log[i]];
    }
    logs.set(part, log);
  }
  for (let u = 0; u < p.unknown; u++) {
    // Half from a producer nobody reports, half beyond what a real key's producer sent.
    const k = keyParts[int(keyParts.length)];
    const src = u % 2 === 0 ? { ...k, producerId: 'ghost', seq: u } : { ...k, seq: k.length + 100 + u };
    append(k.part, { producerId: src.producerId, keyEpoch: src.keyEpoch, key: src.key, seq: src.seq, sendTimeUs: 0 }, true);
    injected.unexpected.add(idOf(src));
    injected.seenRecords++;
    // A later sequence of the key now exists: its dropped acked sequences are lost, not unseen.
    if (src.producerId !== 'ghost') {
      for (const id of injected.droppedAcked) if (id.startsWith(`${k.producerId}/${k.keyEpoch}/${k.key}/`)) injected.lost.add(id);
    }
  }
  for (let c = 0; c < p.corrupt; c++) {
    const reason = c % 2 === 0 ? 'checksum' : 'decode';
    append(keyParts[int(keyParts.length)].part, { corrupt: reason }, true);
    injected.corruptByReason[reason] = (injected.corruptByReason[reason] ?? 0) + 1;
  }
  for (let f = 0; f < p.foreign; f++) {
    append(keyParts[int(keyParts.length)].part, { corrupt: FOREIGN }, true);
    injected.foreign++;
  }
  const partitions = new Map<string, Read[]>();
  for (const [part, log] of logs) partitions.set(part, consume(part, log, p.redeliveries, int, injected));
  return { partitions, reports, injected };
}

/** Assigns offsets (the log order) and re-reads a few short runs, as a restarted consumer would. */
function consume(
  part: string,
  log: Array<Src | { corrupt: string }>,
  redeliveries: number,
  int: (n: number) => number,
  injected: Injected,
): Read[] {
  const [topic, partitionText] = part.split('/');
  const partition = Number(partitionText);
  const reads: Read[] = log.map((item, offset) =>
    'corrupt' in item
      ? item.corrupt === FOREIGN
        ? { kind: 'foreign', rec: { topic, partition, offset, arrivalUs: offset } }
        : { kind: 'corrupt', rec: { topic, partition, offset, reason: item.corrupt, arrivalUs: offset } }
      : { kind: 'record', obs: { ...item, topic, partition, offset, arrivalUs: 1_000_000 + offset } },
  );
  const restartAfter = new Map<number, number>();
  for (let r = 0; r < redeliveries; r++) {
    const at = int(reads.length);
    const back = 1 + int(Math.min(3, at + 1));
    restartAfter.set(at, Math.max(restartAfter.get(at) ?? 0, back));
  }
  const out: Read[] = [];
  reads.forEach((read, i) => {
    out.push(read);
    const back = restartAfter.get(i);
    if (back !== undefined) {
      out.push(...reads.slice(i + 1 - back, i + 1));
      injected.redeliveries += back;
    }
  });
  injected.reads += out.length;
  return out;
}

/** Random interleaving of the log that keeps each key's records in their relative order. */
function shuffleKeepingKeyOrder(log: Array<Src | { corrupt: string }>, rnd: () => number): void {
  const queues = new Map<string, Array<Src | { corrupt: string }>>();
  for (const item of log) {
    const k = 'corrupt' in item ? 'corrupt' : `${item.producerId}/${item.keyEpoch}/${item.key}`;
    let q = queues.get(k);
    if (q === undefined) queues.set(k, (q = []));
    q.push(item);
  }
  const lanes = [...queues.values()];
  log.length = 0;
  while (lanes.length > 0) {
    const i = Math.floor(rnd() * lanes.length);
    log.push(lanes[i].shift() as Src | { corrupt: string });
    if (lanes[i].length === 0) lanes.splice(i, 1);
  }
}

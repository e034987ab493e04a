import type { ControlEvent } from '@mirrorlab/control';
import type { FaultKind, ScenarioSpec } from '@mirrorlab/protocol';
import { IntervalSet, LatencyHistograms, ValidatorState } from '@mirrorlab/validation';
import { mulberry32, simulate, type ModelRecord } from './replication-model';

export type InjectedAnomaly =
  | 'lost'
  | 'unseen'
  | 'unexpected'
  | 'duplicate'
  | 'corrupt'
  | 'indeterminateSeen'
  | 'indeterminateMissing'
  | 'failedButSeen'
  | 'redelivery'
  | 'reorder';

export interface FixtureFault {
  id: string;
  kind: string;
  target?: string;
  atS: number;
  /** Omitted: a one-shot fault (no heal). */
  durationS?: number;
  /** As a scenario writes them; default: what the fault catalog needs for the kind (`FIXTURE_PARAMS`). */
  params?: Record<string, string | number | boolean>;
  /** The replicator copies nothing while the fault lasts (until the component is back). */
  stall?: boolean;
  verified?: boolean;
  /** The component was back this long after the heal started (a broker's restart); default 0. */
  backAfterS?: number;
  /** false: a fault with a duration whose heal was never published. */
  healed?: boolean;
}

export interface FixtureOptions {
  scenarioId?: string;
  name?: string;
  startAtMs?: number;
  durationS?: number;
  producers?: number;
  rate?: number;
  partitions?: number;
  keysPerPartition?: number;
  validators?: number;
  topic?: string;
  faults?: FixtureFault[];
  anomalies?: Partial<Record<InjectedAnomaly, number>>;
  expectations?: Record<string, { max: number }>;
  reportIntervalS?: number;
  /** Validators that never send a final report (killed). */
  withoutFinal?: string[];
  drained?: boolean;
  seed?: number;
  /** A cold replicator: nothing is copied for the first `coldS` seconds after the start. */
  coldS?: number;
  /** A warm-up: `scenario.measuring` at the start + `warmupS` (the replicator first read at `coldS`). */
  warmupS?: number;
  /** The warm-up ended at its timeout, not because latency was steady (`scenario.measuring` with `steady: false`). */
  warmupTimedOut?: boolean;
  /**
   * The rate (records/s, all producers) the producers' `rates` say was requested; default
   * `rate`, i.e. the tester delivered what was asked. Set above `rate` for a tester that
   * fell short; `null` for producers that report no rates (older producers).
   */
  requestedRate?: number | null;
}

/** A two-fault scenario that looks like a real run: a broker kill that stalls replication, then packet loss. */
/** Params the fault catalog requires for a kind (the spec on `scenario.started` is checked against it). */
const FIXTURE_PARAMS: Record<string, Record<string, string | number | boolean>> = {
  'packet-loss': { probability: 0.05 },
  'bandwidth-cap': { rate: '1mbit' },
  latency: { latency: '100ms' },
  'add-partitions': { count: 12 },
  'add-topic': { name: 'fixture.added' },
};

function paramsOf(f: FixtureFault): Record<string, string | number | boolean> {
  return f.params ?? FIXTURE_PARAMS[f.kind] ?? {};
}

export const REALISTIC_FAULTS: FixtureFault[] = [
  { id: 'f1-kill-broker', kind: 'kill-broker', target: 'source:2', atS: 35, durationS: 12, stall: true },
  { id: 'f2-packet-loss', kind: 'packet-loss', target: 'inter-dc', atS: 80, durationS: 10, stall: true },
];

/**
 * The control events of a synthetic scenario, in topic order, built with the
 * real checker (`ValidatorState`, `LatencyHistograms`): what producers,
 * validators, the fault-runner and the provisioner would publish. Anomalies are
 * injected on purpose and land in the first fault's window where that makes
 * sense, so attribution has something to find. Deterministic for a given seed.
 */
export function syntheticScenario(options: FixtureOptions = {}): ControlEvent[] {
  const o = {
    scenarioId: 'fixture-1',
    startAtMs: Date.UTC(2026, 0, 15, 9, 30, 0),
    durationS: 120,
    producers: 2,
    rate: 200,
    partitions: 6,
    keysPerPartition: 4,
    validators: 2,
    topic: 'ml.orders',
    faults: [] as FixtureFault[],
    anomalies: {},
    reportIntervalS: 5,
    withoutFinal: [] as string[],
    drained: true,
    seed: 7,
    ...options,
  };
  const name = o.name ?? o.scenarioId.replace(/[^a-zA-Z0-9._-]/g, '-');
  const targetTopic = `source.${o.topic}`;
  const endAtMs = o.startAtMs + o.durationS * 1000;
  const faultWindow = (f: FixtureFault) => ({
    fromMs: o.startAtMs + f.atS * 1000,
    toMs: o.startAtMs + (f.atS + (f.durationS ?? 0) + (f.backAfterS ?? 0)) * 1000,
  });
  const cold = o.coldS ? [{ fromMs: o.startAtMs - 1000, toMs: o.startAtMs + o.coldS * 1000 }] : [];
  const records = simulate({ ...o, stalls: [...cold, ...o.faults.filter((f) => f.stall && f.durationS).map(faultWindow)], seed: o.seed });
  const rnd = mulberry32(o.seed * 31 + 1);
  const events: ControlEvent[] = [];
  // As the provisioner publishes it: parsed, every default applied (the fixture's faults are not checked against the catalog).
  const spec: ScenarioSpec = {
    name,
    description: 'Synthetic run: steady writes with injected faults, replayed through the real checker.',
    expectedBehaviour: 'No acknowledged record is lost; replication recovers within 30 s of each heal.',
    clusters: { source: {}, target: {} },
    replicator: { kind: 'mirrormaker2', sourceAlias: 'source', topicNaming: 'prefix', mode: 'dedicated' },
    topics: [{ name: o.topic, partitions: o.partitions, replicationFactor: 3 }],
    workload: {
      producers: o.producers,
      rate: { records: o.rate },
      rateSplit: 'total',
      recordSize: 256,
      duration: o.durationS * 1000,
      acks: 'all',
      encoding: 'headers',
      keysPerPartition: o.keysPerPartition,
    },
    link: 'none',
    validators: { count: o.validators, isolation: 'read_committed' },
    faults: o.faults.map((f) => ({
      at: f.atS * 1000,
      ...(f.durationS ? { duration: f.durationS * 1000 } : {}),
      kind: f.kind as FaultKind,
      ...(f.target ? { target: f.target } : {}),
      params: paramsOf(f),
    })),
    seed: o.seed,
    expectations: o.expectations ?? { lost: { max: 0 }, unexpected: { max: 0 }, p99LatencyMs: { max: 2000 }, recoverySeconds: { max: 30 } },
    drainTimeout: 120_000,
    warmup: { steadyFor: 3_000, timeout: 0 },
    consumers: [],
  };
  const base = { v: 1 as const, scenarioId: o.scenarioId };
  events.push({
    ...base,
    type: 'scenario.started',
    atMs: o.startAtMs - 150,
    source: 'provisioner-0',
    spec,
    targetTopics: { [o.topic]: targetTopic },
    startAtMs: o.startAtMs,
    endAtMs,
  });
  if (o.warmupS !== undefined) {
    const measuringAtMs = o.startAtMs + o.warmupS * 1000;
    events.push({
      ...base,
      type: 'scenario.measuring',
      atMs: measuringAtMs,
      source: 'provisioner-0',
      measuringAtMs,
      endAtMs,
      firstReadAtMs: o.startAtMs + (o.coldS ?? 0) * 1000,
      steady: o.warmupTimedOut !== true,
      detail: o.warmupTimedOut === true ? `no steady p99 within the ${o.warmupS} s warm-up timeout` : 'p99 steady for 3 s',
    });
  }

  // Anomalies that change what was sent or replicated.
  const firstFault = o.faults[0]
    ? faultWindow(o.faults[0])
    : { fromMs: o.startAtMs + (o.durationS * 1000) / 3, toMs: o.startAtMs + (o.durationS * 1000) / 2 };
  const inWindow = records.filter((r) => r.sendMs >= firstFault.fromMs && r.sendMs < firstFault.toMs);
  const pick = (pool: ModelRecord[], n: number, ok: (r: ModelRecord) => boolean) => {
    const out: ModelRecord[] = [];
    for (let guard = 0; out.length < n && guard < n * 1000 && pool.length > 0; guard++) {
      const r = pool[Math.floor(rnd() * pool.length)];
      if (ok(r) && !out.includes(r)) out.push(r);
    }
    return out;
  };
  const lastOfKey = new Set([...new Map(records.map((r) => [`${r.producerId}/${r.key}`, r])).values()]);
  const untouched = (r: ModelRecord) => r.outcome === 'acked' && r.replicated && !lastOfKey.has(r);
  const a = o.anomalies as Partial<Record<InjectedAnomaly, number>>;
  for (const r of pick(inWindow.length ? inWindow : records, a.lost ?? 0, untouched)) r.replicated = false;
  for (const r of pick([...lastOfKey], a.unseen ?? 0, (r) => r.replicated)) r.replicated = false;
  for (const r of pick(inWindow.length ? inWindow : records, a.indeterminateMissing ?? 0, untouched))
    Object.assign(r, { outcome: 'indeterminate', replicated: false });
  for (const r of pick(records, a.indeterminateSeen ?? 0, untouched)) r.outcome = 'indeterminate';
  for (const r of pick(records, a.failedButSeen ?? 0, untouched)) r.outcome = 'failed';

  // The target: per partition, entries in append order, then offsets.
  type Entry = {
    rec?: ModelRecord;
    producerId: string;
    key: string;
    seq: number;
    sendMs: number;
    appendMs: number;
    arrivalMs: number;
    corrupt?: boolean;
  };
  const partitions: Entry[][] = Array.from({ length: o.partitions }, () => []);
  for (const r of records) if (r.replicated) partitions[r.partition].push({ rec: r, ...r });
  const dupes = pick(
    o.faults[1] ? records.filter((r) => r.appendMs >= faultWindow(o.faults[1]).toMs) : records,
    a.duplicate ?? 0,
    untouched,
  );
  for (const r of dupes) partitions[r.partition].push({ ...r, appendMs: r.appendMs + 1, arrivalMs: r.arrivalMs + 1 });
  const mid = o.startAtMs + (o.durationS * 1000) / 2;
  for (let i = 0; i < (a.unexpected ?? 0); i++)
    partitions[i % o.partitions].push({
      producerId: 'ghost',
      key: `ghost/e0/k${i}-0`,
      seq: 0,
      sendMs: mid,
      appendMs: mid + 40 + i,
      arrivalMs: mid + 50 + i,
    });
  for (let i = 0; i < (a.corrupt ?? 0); i++)
    partitions[(i + 1) % o.partitions].push({
      producerId: '',
      key: '',
      seq: 0,
      sendMs: mid,
      appendMs: mid + 60 + i,
      arrivalMs: mid + 70 + i,
      corrupt: true,
    });
  for (const list of partitions) list.sort((x, y) => x.appendMs - y.appendMs || x.arrivalMs - y.arrivalMs);
  // Reordering: a record held back and written just after its key's next record (a gap, then a late fill).
  for (let i = 0; i < (a.reorder ?? 0); i++) {
    const list = partitions[i % o.partitions];
    const at = Math.floor(list.length * (0.6 + 0.05 * i));
    const j = list.findIndex((e, k) => k > at && !e.corrupt && e.producerId === list[at].producerId && e.key === list[at].key);
    if (list[at]?.corrupt || j < 0) continue;
    const [held] = list.splice(at, 1);
    list.splice(j, 0, { ...held, appendMs: list[j - 1].appendMs, arrivalMs: list[j - 1].arrivalMs });
  }

  // Validators: partition p belongs to validator p mod V; each reads in offset order as records arrive.
  const validatorIds = Array.from({ length: o.validators }, (_, i) => `v${i + 1}`);
  const vs = validatorIds.map((id, i) => ({
    id,
    state: new ValidatorState(),
    latency: new LatencyHistograms(),
    parts: partitions.map((_, p) => p).filter((p) => p % o.validators === i),
    read: new Map<number, number>(),
  }));
  const lastArrival = Math.max(endAtMs, ...partitions.flat().map((e) => e.arrivalMs));
  const stoppingAt = endAtMs + 400;
  const drainedAt = Math.max(lastArrival, stoppingAt) + 1500;
  const redeliverAt = o.startAtMs + Math.floor(o.durationS * 0.7) * 1000;
  let redelivered = a.redelivery ?? 0;
  const readUntil = (v: (typeof vs)[number], t: number) => {
    for (const p of v.parts) {
      const list = partitions[p];
      let next = v.read.get(p) ?? 0;
      while (next < list.length && list[next].arrivalMs <= t) {
        const e = list[next];
        if (e.corrupt)
          v.state.observeCorrupt({ topic: targetTopic, partition: p, offset: next, reason: 'checksum', arrivalUs: e.arrivalMs * 1000 });
        else {
          v.state.observe({
            topic: targetTopic,
            partition: p,
            offset: next,
            producerId: e.producerId,
            keyEpoch: 0,
            key: e.key,
            seq: e.seq,
            sendTimeUs: e.sendMs * 1000,
            arrivalUs: e.arrivalMs * 1000,
          });
          v.latency.record(e.arrivalMs * 1000, (e.arrivalMs - e.sendMs) * 1000);
        }
        next++;
      }
      if (redelivered > 0 && t >= redeliverAt && p === v.parts[0]) {
        // A consumer restart: the last few offsets are read again.
        for (let off = Math.max(0, next - redelivered); off < next; off++) {
          const e = partitions[p][off];
          if (!e.corrupt)
            v.state.observe({
              topic: targetTopic,
              partition: p,
              offset: off,
              producerId: e.producerId,
              keyEpoch: 0,
              key: e.key,
              seq: e.seq,
              sendTimeUs: e.sendMs * 1000,
              arrivalUs: t * 1000,
            });
        }
        redelivered = 0;
      }
      v.read.set(p, next);
    }
  };
  const validatorReport = (v: (typeof vs)[number], t: number, final: boolean): ControlEvent => ({
    ...base,
    type: 'validator.report',
    atMs: t,
    source: v.id,
    validatorId: v.id,
    final,
    state: JSON.parse(JSON.stringify(v.state.toSnapshot())),
    latency: { endToEnd: v.latency.toSnapshot() },
    partitions: v.parts.map((p) => ({
      topic: targetTopic,
      partition: p,
      nextOffset: v.read.get(p) ?? 0,
      highWatermark: partitions[p].filter((e) => e.appendMs <= t).length,
    })),
    drained: t >= stoppingAt && v.parts.every((p) => (v.read.get(p) ?? 0) >= partitions[p].filter((e) => e.appendMs <= t).length),
  });
  for (let t = o.startAtMs + o.reportIntervalS * 1000; t < drainedAt; t += o.reportIntervalS * 1000) {
    vs.forEach((v, i) => {
      readUntil(v, t + 40 * i);
      events.push(validatorReport(v, t + 40 * i, false));
    });
  }

  // Producers: progress every interval with the per-second windows closed since, and the per-key ranges.
  for (let p = 1; p <= o.producers; p++) {
    const producerId = `p${p}`;
    const mine = records.filter((r) => r.producerId === producerId);
    const ranges = new Map<string, Record<ModelRecord['outcome'], IntervalSet>>();
    const windows = new Map<number, [number, number]>();
    /** Acknowledged per (second, partition); the model's source acknowledges a record as it is sent. */
    const partitionAcks = new Map<string, [number, string, number, number]>();
    const requested = o.requestedRate === undefined ? o.rate : o.requestedRate;
    const counts = { sent: 0, acked: 0, failed: 0, indeterminate: 0 };
    let i = 0;
    let flushed = o.startAtMs - 1000;
    const progress = (t: number, final: boolean) => {
      while (i < mine.length && mine[i].sendMs < t) {
        const r = mine[i++];
        const k = ranges.get(r.key) ?? { acked: new IntervalSet(), failed: new IntervalSet(), indeterminate: new IntervalSet() };
        k[r.outcome].add(r.seq);
        ranges.set(r.key, k);
        const w = Math.floor(r.sendMs / 1000) * 1000;
        const cur = windows.get(w) ?? [0, 0];
        windows.set(w, [cur[0] + 1, cur[1] + (r.outcome === 'acked' ? 1 : 0)]);
        counts.sent++;
        counts[r.outcome]++;
        if (r.outcome === 'acked') {
          const second = Math.floor(r.sendMs / 1000) * 1000;
          const id = `${second}|${r.partition}`;
          const a = partitionAcks.get(id) ?? [second, o.topic, r.partition, 0];
          a[3]++;
          partitionAcks.set(id, a);
        }
      }
      const acksOut = [...partitionAcks.values()].filter(([second]) => final || second + 1000 <= t);
      for (const [second, , partition] of acksOut) partitionAcks.delete(`${second}|${partition}`);
      const closeBefore = final ? Infinity : Math.floor(t / 1000) * 1000;
      const closed = [...windows.entries()].filter(([w]) => w > flushed && w < closeBefore).sort((x, y) => x[0] - y[0]);
      if (closed.length > 0) flushed = closed[closed.length - 1][0];
      events.push({
        ...base,
        type: 'producer.progress',
        atMs: t,
        source: producerId,
        producerId,
        final,
        counts: {
          ...counts,
          bytesSent: counts.sent * 256,
          achievedRate: counts.sent / Math.max(1, (Math.min(t, endAtMs) - o.startAtMs) / 1000),
          targetRate: o.rate / o.producers,
        },
        keys: [...ranges.entries()].map(([key, k]) => ({
          topic: o.topic,
          keyEpoch: 0,
          key,
          acked: k.acked.toRanges(),
          failed: k.failed.toRanges(),
          indeterminate: k.indeterminate.toRanges(),
        })),
        windows: closed.map(([w, [sent, acked]]) => [w, sent, acked] as [number, number, number]),
        rates:
          requested === null
            ? []
            : closed.map(
                ([w, [sent]]) =>
                  [w, requested / o.producers, sent, (requested / o.producers) * 256, sent * 256] as [
                    number,
                    number,
                    number,
                    number,
                    number,
                  ],
              ),
        partitionAcks: acksOut,
      });
    };
    for (let t = o.startAtMs + o.reportIntervalS * 1000 + 10 * p; t < endAtMs; t += o.reportIntervalS * 1000) progress(t, false);
    progress(endAtMs + 20 * p, true);
  }

  for (const f of o.faults) {
    const w = faultWindow(f);
    const durationMs = f.durationS ? f.durationS * 1000 : null;
    events.push({
      ...base,
      type: 'fault.injected',
      atMs: w.fromMs,
      source: 'fault-runner-0',
      faultId: f.id,
      kind: f.kind,
      ...(f.target ? { target: f.target } : {}),
      params: paramsOf(f),
      durationMs,
    });
    if (durationMs !== null && f.healed !== false) {
      const verified = f.verified ?? true;
      const healStartedAtMs = w.fromMs + durationMs;
      events.push({
        ...base,
        type: 'fault.healed',
        atMs: w.toMs,
        source: 'fault-runner-0',
        faultId: f.id,
        kind: f.kind,
        verified,
        detail: verified ? 'heal checked' : 'iptables rule still present',
        healStartedAtMs,
        ...(verified ? { backAtMs: w.toMs } : {}),
      });
    }
  }
  events.push({ ...base, type: 'scenario.stopping', atMs: stoppingAt, source: 'provisioner-0', reason: 'duration reached' });
  if (o.drained) {
    events.push({
      ...base,
      type: 'scenario.drained',
      atMs: drainedAt,
      source: 'provisioner-0',
      drained: true,
      waitedMs: drainedAt - stoppingAt,
    });
    for (const v of vs) {
      if (o.withoutFinal.includes(v.id)) continue;
      readUntil(v, drainedAt + 200);
      events.push(validatorReport(v, drainedAt + 200, true));
    }
  }
  // Topic order: by time, ties in the order published here.
  return events
    .map((e, i) => ({ e, i }))
    .sort((x, y) => x.e.atMs - y.e.atMs || x.i - y.i)
    .map(({ e }) => e);
}

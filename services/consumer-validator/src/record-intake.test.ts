import { encodeRecord, type RecordEncoding } from '@mirrorlab/protocol';
import { LatencyHistograms, reconcile, ValidatorState } from '@mirrorlab/validation';
import { PendingLatency } from './pending-latency';
import { Registry } from 'prom-client';
import { intakeBatch, intakeRecord, type IntakeTarget, type TargetRecord } from './record-intake';
import { ValidatorMetrics } from './validator-metrics';

function target(withReplication = false): IntakeTarget & { registry: Registry } {
  const registry = new Registry();
  return {
    scenarioId: 'sc',
    state: new ValidatorState(),
    pending: new PendingLatency(),
    measuresReplication: withReplication,
    metrics: new ValidatorMetrics(registry),
    registry,
  };
}

function record(
  seq: number,
  offset: number,
  opts: { scenarioId?: string; sendTimeUs?: number; scheduledTimeUs?: number; encoding?: RecordEncoding } = {},
): TargetRecord {
  const enc = encodeRecord({
    meta: {
      scenarioId: opts.scenarioId ?? 'sc',
      producerId: 'p1',
      keyEpoch: 0,
      seq,
      sendTimeUs: opts.sendTimeUs ?? 1_000_000,
      ...(opts.scheduledTimeUs !== undefined ? { scheduledTimeUs: opts.scheduledTimeUs } : {}),
    },
    key: 'p1/e0/k0-0',
    payload: Buffer.from('payload'),
    encoding: opts.encoding ?? 'single-header',
  });
  return { topic: 'source.t', partition: 0, offset, key: enc.key, value: enc.value, headers: enc.headers, timestampMs: 1_500 };
}

async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
  const v = (m?.values ?? []).find((x) => Object.entries(labels).every(([k, val]) => x.labels[k] === val));
  return v ? Number(v.value) : 0;
}

describe('intakeRecord', () => {
  it('classifies records and measures latency on first reads only', async () => {
    const t = target();
    expect(intakeRecord(t, record(0, 0), 3_000_000)).toBe('in_order');
    expect(intakeRecord(t, record(2, 1), 3_000_000)).toBe('gap');
    expect(intakeRecord(t, record(1, 2), 3_000_000)).toBe('late');
    expect(intakeRecord(t, record(1, 3), 3_000_000)).toBe('duplicate');
    expect(intakeRecord(t, record(1, 3), 9_000_000)).toBe('redelivery');
    expect(t.pending.size).toBe(4);
    const endToEnd = new LatencyHistograms();
    t.pending.foldInto(endToEnd);
    expect(endToEnd.count).toBe(4);
    expect(endToEnd.percentiles([100])[0]).toBeCloseTo(2_000_000, -4);
    expect(await metricValue(t.registry, 'mirrorlab_validator_duplicate_total')).toBe(1);
    expect(await metricValue(t.registry, 'mirrorlab_validator_redelivery_total')).toBe(1);
    expect(await metricValue(t.registry, 'mirrorlab_validator_records_total')).toBe(5);
  });

  it.each<RecordEncoding>(['headers', 'value-prefix', 'compact'])('classifies %s records as it does single-header ones', (encoding) => {
    const t = target();
    const classes = [0, 2, 1, 1].map((seq, offset) => intakeRecord(t, record(seq, offset, { encoding }), 3_000_000));
    expect(classes).toEqual(['in_order', 'gap', 'late', 'duplicate']);
    expect(intakeRecord(t, record(5, 4, { encoding, scenarioId: 'other' }), 3_000_000)).toBe('other_scenario');
  });

  it('counts foreign records as foreign, a damaged payload as corrupt for its sequence, a damaged identity as corrupt, and keeps going', async () => {
    const t = target();
    const foreign: TargetRecord = {
      topic: 'source.t',
      partition: 0,
      offset: 0,
      key: Buffer.from('k'),
      value: Buffer.from('hello'),
      timestampMs: 0,
    };
    expect(intakeRecord(t, foreign, 1)).toBe('foreign');
    const flipped = record(0, 1);
    flipped.value = Buffer.from('PAYLOAD');
    expect(intakeRecord(t, flipped, 1)).toBe('corrupt');
    // seq 1 whose meta says seq 7: a damaged identity (the seq field of the single ml header).
    const renamed = record(1, 2);
    const meta = (renamed.headers!.ml as Buffer).toString();
    expect(meta).toContain(';0;1;');
    renamed.headers = { ml: Buffer.from(meta.replace(';0;1;', ';0;7;')) };
    expect(intakeRecord(t, renamed, 1)).toBe('corrupt');
    expect(intakeRecord(t, { ...foreign, key: null, value: null }, 1)).toBe('redelivery');
    expect(await metricValue(t.registry, 'mirrorlab_validator_foreign_total')).toBe(1);
    expect(await metricValue(t.registry, 'mirrorlab_validator_corrupt_total', { reason: 'payload_mismatch' })).toBe(1);
    expect(await metricValue(t.registry, 'mirrorlab_validator_corrupt_total', { reason: 'checksum_mismatch' })).toBe(1);
    const acc = reconcile(t.state, [
      { producerId: 'p1', keys: [{ keyEpoch: 0, key: 'p1/e0/k0-0', acked: [[0, 1]], failed: [], indeterminate: [] }] },
    ]);
    expect([acc.foreign.count, acc.corrupt.count, acc.corrupt.seqs]).toEqual([1, 2, 1]);
    expect(acc.corrupt.examples[0]).toMatchObject({ producerId: 'p1', key: 'p1/e0/k0-0', seq: 0, reason: 'payload_mismatch' });
    // seq 1's identity was damaged: unattributable, so the key's last sequence is unseen (not lost).
    expect([acc.lost.count, acc.unseen.count]).toEqual([0, 1]);
  });

  it('catches an offset re-read with other content (a rewritten target log), and not a plain re-read', () => {
    const t = target();
    for (let offset = 0; offset < 64; offset++) intakeRecord(t, record(offset, offset), 1);
    for (let offset = 0; offset < 64; offset++) expect(intakeRecord(t, record(offset, offset), 2)).toBe('redelivery');
    expect(reconcile(t.state, []).inconsistentOffset.count).toBe(0);
    const other = target();
    for (let offset = 0; offset < 64; offset++) intakeRecord(other, record(offset, offset), 1);
    // Offset 5 now holds seq 70: the log was truncated and rewritten under the validator.
    for (let offset = 0; offset < 64; offset++) intakeRecord(other, record(offset === 5 ? 70 : offset, offset), 2);
    expect(reconcile(other.state, []).inconsistentOffset).toMatchObject({
      count: 1,
      examples: [{ topic: 'source.t', partition: 0, fromOffset: 0, toOffset: 63 }],
    });
  });

  it('skips records of another scenario without counting them', () => {
    const t = target();
    expect(intakeRecord(t, record(0, 0, { scenarioId: 'older-run' }), 1)).toBe('other_scenario');
    expect(t.state.positions()).toEqual([]);
  });

  it('measures end-to-end latency from the scheduled send time too, for records that carry one', () => {
    const t = target();
    // Scheduled at 1 s, sent late at 3 s (the producer fell behind), read at 5 s.
    intakeRecord(t, record(0, 0, { sendTimeUs: 3_000_000, scheduledTimeUs: 1_000_000 }), 5_000_000);
    intakeRecord(t, record(1, 1, { sendTimeUs: 3_000_000 }), 5_000_000);
    const [endToEnd, fromSchedule] = [new LatencyHistograms(), new LatencyHistograms()];
    t.pending.foldInto(endToEnd, undefined, fromSchedule);
    expect(endToEnd.count).toBe(2);
    expect(endToEnd.percentiles([100])[0]).toBeCloseTo(2_000_000, -4);
    expect(fromSchedule.count).toBe(1);
    expect(fromSchedule.percentiles([100])[0]).toBeCloseTo(4_000_000, -4);
  });

  it('measures replication latency from LogAppendTime timestamps when the topic uses them', () => {
    const t = target(true);
    intakeRecord(t, record(0, 0, { sendTimeUs: 1_000_000 }), 5_000_000);
    const [endToEnd, replication] = [new LatencyHistograms(), new LatencyHistograms()];
    t.pending.foldInto(endToEnd, replication);
    expect(replication.percentiles([50])[0]).toBeCloseTo(500_000, -3);
    expect(endToEnd.percentiles([50])[0]).toBeCloseTo(4_000_000, -4);
  });
});

describe('intakeBatch', () => {
  /** A batch with every class once or more: in order, gap, late, duplicate, redelivery, foreign, corrupt. */
  function mixedBatch(): TargetRecord[] {
    const foreign: TargetRecord = {
      topic: 'source.t',
      partition: 0,
      offset: 6,
      key: Buffer.from('k'),
      value: Buffer.from('x'),
      timestampMs: 0,
    };
    const flipped = record(5, 7);
    flipped.value = Buffer.from('PAYLOAD');
    return [record(0, 0), record(1, 1), record(3, 2), record(2, 3), record(2, 4), record(2, 4), foreign, flipped];
  }
  const classes = ['records', 'in_order', 'gap', 'late', 'duplicate', 'redelivery', 'foreign'];
  async function counters(t: ReturnType<typeof target>): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const c of classes) out[c] = await metricValue(t.registry, `mirrorlab_validator_${c}_total`);
    out.corrupt = await metricValue(t.registry, 'mirrorlab_validator_corrupt_total', { reason: 'payload_mismatch' });
    return out;
  }

  it('classifies, counts and times a batch exactly as record by record does', async () => {
    const one = target(true);
    const results = mixedBatch().map((r) => intakeRecord(one, r, 3_000_000));
    expect(results).toEqual(['in_order', 'in_order', 'gap', 'late', 'duplicate', 'redelivery', 'foreign', 'corrupt']);
    const batch = target(true);
    expect(intakeBatch(batch, 'source.t', 0, mixedBatch(), 3_000_000)).toEqual({ checked: 8, nextOffset: 8 });
    expect(await counters(batch)).toEqual(await counters(one));
    expect(await counters(batch)).toEqual({
      records: 8,
      in_order: 2,
      gap: 1,
      late: 1,
      duplicate: 1,
      redelivery: 1,
      foreign: 1,
      corrupt: 1,
    });
    expect(batch.pending.size).toBe(one.pending.size);
    // Every first read is timed (in order, gap, late, duplicate), never the redelivery.
    for (const t of [one, batch]) {
      expect(await t.registry.metrics()).toContain(
        'mirrorlab_validator_end_to_end_latency_seconds_count{scenario="sc",topic="source.t"} 5',
      );
    }
    expect(reconcile(batch.state, [])).toEqual(reconcile(one.state, []));
  });

  it('stops at the first record once the batch is no longer current, and says where it stopped', async () => {
    const t = target();
    let left = 3;
    expect(intakeBatch(t, 'source.t', 0, mixedBatch(), 1, () => left-- > 0)).toEqual({ checked: 3, nextOffset: 3 });
    expect(await counters(t)).toMatchObject({ records: 3, in_order: 2, gap: 1, late: 0 });
    expect(intakeBatch(t, 'source.t', 0, mixedBatch(), 1, () => false)).toEqual({ checked: 0 });
    expect(intakeBatch(t, 'source.t', 0, [], 1)).toEqual({ checked: 0 });
    expect(await counters(t)).toMatchObject({ records: 3 });
  });
});

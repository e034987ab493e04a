import { controlEventSchema, ScenarioViews, type ControlEventInput } from '@mirrorlab/control';
import { ValidatorState } from '@mirrorlab/validation';
import { describePending, drainStatus, liveCounts } from './drain-check';

const ID = 's-1';
const STOP = 100_000;

function stateReading(seqs: number[]): unknown {
  const s = new ValidatorState();
  seqs.forEach((seq, offset) =>
    s.observe({ topic: 'source.t', partition: 0, offset, producerId: 'p1', keyEpoch: 0, key: 'k', seq, sendTimeUs: 1, arrivalUs: 2 }),
  );
  return s.toSnapshot();
}

function watchWith(events: ControlEventInput[]): ScenarioViews {
  const w = new ScenarioViews();
  events.forEach((e) => w.apply(controlEventSchema.parse(e)));
  return w;
}

const producer = (final: boolean, acked: number, atMs = STOP + 100): ControlEventInput => ({
  v: 1,
  type: 'producer.progress',
  scenarioId: ID,
  atMs,
  source: 'p1',
  producerId: 'p1',
  final,
  counts: { sent: acked, acked, failed: 0, indeterminate: 0, bytesSent: 0, achievedRate: 0, targetRate: 0 },
  keys: acked > 0 ? [{ topic: 't', keyEpoch: 0, key: 'k', acked: [[0, acked - 1]], failed: [], indeterminate: [] }] : [],
});
const validator = (id: string, atMs: number, drained: boolean, seqs: number[]): ControlEventInput => ({
  v: 1,
  type: 'validator.report',
  scenarioId: ID,
  atMs,
  source: id,
  validatorId: id,
  final: false,
  state: stateReading(seqs),
  latency: {},
  partitions: [],
  drained,
});
const upTo = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('drainStatus', () => {
  it('waits for every consumer-failover drill to publish its outcome, and names the one it waits for', () => {
    const fault = (faultId: string, kind: string): ControlEventInput => ({
      v: 1,
      type: 'fault.injected',
      scenarioId: ID,
      atMs: STOP - 10_000,
      source: 'fault-runner',
      faultId,
      kind,
      target: 'keeps-up',
      params: {},
      durationMs: null,
    });
    const outcome: ControlEventInput = {
      v: 1,
      type: 'consumer.failover',
      scenarioId: ID,
      atMs: STOP + 900,
      source: 'c0',
      faultId: 'f0',
      group: 'keeps-up',
      groupId: 'g-keeps-up',
      waitedMs: 15_000,
      current: false,
      partitions: [],
      skipped: 0,
      reread: 0,
      translations: {
        observations: 0,
        unsafeTranslations: 0,
        skippedRecords: 0,
        rereadOverBound: 0,
        maxReread: 0,
        regressions: 0,
        maxAgeMs: 0,
      },
    };
    const before = [
      producer(true, 5),
      validator('v1', STOP + 500, true, upTo(5)),
      fault('f0', 'consumer-failover'),
      fault('f1', 'kill-broker'),
    ];
    const pending = drainStatus(watchWith(before).get(ID), STOP, STOP + 1000, 30_000);
    // Every record is in; only the drill is missing (a kill-broker fault has no drill).
    expect(pending).toMatchObject({ drained: false, ackedUnseen: 0, drillsPending: ['f0'] });
    expect(describePending(pending)).toEqual(['consumer-failover drill f0: no outcome yet']);
    expect(drainStatus(watchWith([...before, outcome]).get(ID), STOP, STOP + 1000, 30_000)).toMatchObject({
      drained: true,
      drillsPending: [],
    });
  });

  it('waits for the source audit consumer to drain like any validator, and never for it to have seen what the source lost', () => {
    const audit = (drained: boolean, seqs: number[]): ControlEventInput => ({
      ...(validator('a0', STOP + 600, drained, seqs) as Extract<ControlEventInput, { type: 'validator.report' }>),
      sourceAudit: true,
    });
    const target = validator('v1', STOP + 500, true, upTo(5));
    const pending = drainStatus(watchWith([producer(true, 5), target, audit(false, upTo(5))]).get(ID), STOP, STOP + 1000, 30_000);
    expect(pending).toMatchObject({ drained: false, validatorsPending: ['a0'] });
    // Drained, though it read only 3 of the 5 acknowledged records on the source.
    expect(drainStatus(watchWith([producer(true, 5), target, audit(true, [0, 1, 2])]).get(ID), STOP, STOP + 1000, 30_000)).toEqual({
      drained: true,
      producersPending: [],
      validatorsPending: [],
      drillsPending: [],
      ackedUnseen: 0,
      acked: 5,
    });
  });

  it('is drained when producers are final, validators drained after the stop, and every acked record was seen', () => {
    const w = watchWith([producer(true, 5), validator('v1', STOP + 500, true, upTo(5))]);
    expect(drainStatus(w.get(ID), STOP, STOP + 1000, 30_000)).toEqual({
      drained: true,
      producersPending: [],
      validatorsPending: [],
      drillsPending: [],
      ackedUnseen: 0,
      acked: 5,
    });
  });

  it('waits for a producer without its final report', () => {
    const w = watchWith([producer(false, 5), validator('v1', STOP + 500, true, upTo(5))]);
    const s = drainStatus(w.get(ID), STOP, STOP + 1000, 30_000);
    expect(s).toMatchObject({ drained: false, producersPending: ['p1'] });
    expect(describePending(s)).toEqual(['producer p1: no final report']);
  });

  it('waits for a validator whose drained report predates the stop', () => {
    const w = watchWith([producer(true, 5), validator('v1', STOP - 1, true, upTo(5))]);
    expect(drainStatus(w.get(ID), STOP, STOP + 1000, 30_000)).toMatchObject({ drained: false, validatorsPending: ['v1'] });
  });

  it('waits while an acknowledged record has not been seen, and counts it', () => {
    const w = watchWith([producer(true, 5), validator('v1', STOP + 500, true, [0, 1, 2])]);
    const s = drainStatus(w.get(ID), STOP, STOP + 1000, 30_000);
    expect(s).toMatchObject({ drained: false, ackedUnseen: 2 });
    expect(describePending(s)).toEqual(['2 acknowledged records not seen on the target']);
  });

  it('forgets a validator silent for longer than staleMs (its partitions moved to another)', () => {
    const w = watchWith([producer(true, 5), validator('gone', STOP - 20_000, false, [0]), validator('v2', STOP + 500, true, upTo(5))]);
    expect(drainStatus(w.get(ID), STOP, STOP + 1000, 30_000).validatorsPending).toEqual(['gone']);
    expect(drainStatus(w.get(ID), STOP, STOP + 11_000, 30_000)).toMatchObject({ drained: true, validatorsPending: [] });
  });

  it("takes a validator's latest report by its time, not by arrival (the provisioner's own fold took the last to arrive)", () => {
    // v1's drained report after the stop arrives before an older, undrained one (a delayed publish):
    // the view's rule (ValidatorReports: the latest report of an incarnation by atMs) keeps the drained one.
    const w = watchWith([producer(true, 5), validator('v1', STOP + 500, true, upTo(5)), validator('v1', STOP + 400, false, upTo(5))]);
    expect(drainStatus(w.get(ID), STOP, STOP + 1000, 30_000)).toMatchObject({ drained: true, validatorsPending: [] });
  });

  it('combines validators by the latest state of each partition', () => {
    const w = watchWith([producer(true, 5), validator('v1', STOP + 200, true, [0, 1]), validator('v2', STOP + 500, true, upTo(5))]);
    expect(drainStatus(w.get(ID), STOP, STOP + 1000, 30_000).drained).toBe(true);
  });

  it('counts every incarnation of a restarted validator: its earlier run may hold the only state of a partition', () => {
    // v1's first run (incarnation a) read partitions 0 and 1, then v1 restarted (b) and took back partition 0 only;
    // partition 1 went to v3, which died before it published. Only a's report has partition 1's reads: one
    // report per validator id (the provisioner's rule before ValidatorReports) left them unseen and never drained.
    const read = (parts: Array<[number, string, number]>) => {
      const st = new ValidatorState();
      for (const [partition, key, n] of parts)
        for (let seq = 0; seq < n; seq++)
          st.observe({ topic: 'source.t', partition, offset: seq, producerId: 'p1', keyEpoch: 0, key, seq, sendTimeUs: 1, arrivalUs: 2 });
      return st.toSnapshot();
    };
    const report = (incarnation: string, atMs: number, drained: boolean, state: unknown) =>
      ({ ...validator('v1', atMs, drained, []), incarnation, state }) as ControlEventInput;
    const keys = ['k', 'k2'].map((key) => ({
      topic: 't',
      keyEpoch: 0,
      key,
      acked: [[0, 4]] as Array<[number, number]>,
      failed: [],
      indeterminate: [],
    }));
    const w = watchWith([
      { ...producer(true, 10), keys } as ControlEventInput,
      report(
        'a',
        STOP - 5_000,
        false,
        read([
          [0, 'k', 2],
          [1, 'k2', 5],
        ]),
      ),
      report('b', STOP + 500, true, read([[0, 'k', 5]])),
    ]);
    expect(drainStatus(w.get(ID), STOP, STOP + 1000, 30_000)).toEqual({
      drained: true,
      producersPending: [],
      validatorsPending: [],
      drillsPending: [],
      ackedUnseen: 0,
      acked: 10,
    });
  });

  describe('with read_uncommitted validators beside the own ones', () => {
    const uncommitted = (id: string, atMs: number, drained: boolean, seqs: number[]) =>
      ({ ...validator(id, atMs, drained, seqs), isolation: 'read_uncommitted' }) as ControlEventInput;

    it('waits for an added read_uncommitted validator until it drained too', () => {
      const w = watchWith([producer(true, 5), validator('v1', STOP + 500, true, upTo(5)), uncommitted('u1', STOP + 500, false, upTo(5))]);
      const s = drainStatus(w.get(ID), STOP, STOP + 1000, 30_000);
      expect(s).toMatchObject({ drained: false, validatorsPending: ['u1'] });
      expect(describePending(s)).toEqual(['validator u1: not drained']);
    });

    it('is drained once it drained, judging what was seen by the own validators only', () => {
      // The read_uncommitted validator saw everything; the own one missed seq 4: still waiting, for the own one's record.
      const w = watchWith([producer(true, 5), validator('v1', STOP + 500, true, upTo(4)), uncommitted('u1', STOP + 500, true, upTo(5))]);
      expect(drainStatus(w.get(ID), STOP, STOP + 1000, 30_000)).toMatchObject({ drained: false, validatorsPending: [], ackedUnseen: 1 });
      const all = watchWith([producer(true, 5), validator('v1', STOP + 500, true, upTo(5)), uncommitted('u1', STOP + 500, true, upTo(3))]);
      expect(drainStatus(all.get(ID), STOP, STOP + 1000, 30_000)).toMatchObject({ drained: true, ackedUnseen: 0 });
    });

    it('stops waiting for one silent longer than staleMs, like the others', () => {
      const w = watchWith([producer(true, 5), validator('v1', STOP + 500, true, upTo(5)), uncommitted('u1', STOP - 40_000, false, [0])]);
      expect(drainStatus(w.get(ID), STOP, STOP + 1000, 30_000)).toMatchObject({ drained: true, validatorsPending: [] });
    });
  });

  it('is drained at once when nothing was produced or read', () => {
    expect(drainStatus(undefined, STOP, STOP, 30_000).drained).toBe(true);
  });

  it('is not drained when records were acknowledged but no validator ever reported', () => {
    const w = watchWith([producer(true, 5)]);
    expect(drainStatus(w.get(ID), STOP, STOP + 1000, 30_000)).toMatchObject({ drained: false, ackedUnseen: 5 });
  });
});

describe('liveCounts', () => {
  it('sums producers and reconciles validators, provisional until the drain', () => {
    const w = watchWith([producer(false, 5), validator('v1', STOP + 500, false, [0, 1, 2])]);
    const c = liveCounts(w.get(ID));
    expect(c).toMatchObject({
      produced: { sent: 5, acked: 5 },
      producers: 1,
      validators: 1,
      consumed: { records: 3, distinct: 3 },
      anomalies: { provisional: true, lost: 0, unseen: 2, duplicate: 0 },
    });
  });

  it('counts records read before their producer reported them as pending, never unexpected, until the final report', () => {
    const mid = liveCounts(watchWith([producer(false, 54), validator('v1', STOP + 500, false, upTo(100))]).get(ID));
    expect(mid.anomalies).toMatchObject({ pending: 46, unexpected: 0 });
    const final = liveCounts(watchWith([producer(true, 54), validator('v1', STOP + 500, false, upTo(100))]).get(ID));
    expect(final.anomalies).toMatchObject({ pending: 0, unexpected: 46 });
  });

  it('has nothing pending when the producer has reported everything read', () => {
    const mid = liveCounts(watchWith([producer(false, 100), validator('v1', STOP + 500, false, upTo(100))]).get(ID));
    expect(mid.anomalies).toMatchObject({ pending: 0, unexpected: 0 });
  });

  it('has no consumed counts before any validator reported', () => {
    expect(liveCounts(undefined)).toMatchObject({ produced: { sent: 0 }, consumed: null, anomalies: null });
  });
});

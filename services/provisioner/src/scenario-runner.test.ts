import { LatencyHistograms } from '@mirrorlab/validation';
import { RunInterrupted, ScenarioRunError } from './errors';
import { newRunRecord, PHASES, type RunRecord } from './run-record';
import { ScenarioRunner } from './scenario-runner';
import { SourceAuditor } from './source-auditor';
import { scenario, World } from './testing/world';

const ID = 'unit-abc123';
const FAULTS = {
  faults: [
    { at: '2s', duration: '3s', kind: 'pause-broker' as const, target: 'source:1' },
    { at: '4s', kind: 'add-topic' as const, params: { name: 'late' } },
  ],
};

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the run to fail');
}

describe('ScenarioRunner', () => {
  it('asks the orchestrator for the read_uncommitted validators the scenario adds (validators.readUncommitted)', async () => {
    const w = new World();
    const { spec } = scenario({ validators: { count: 2, readUncommitted: 1 } });
    await new ScenarioRunner(w.deps()).run(w.context(ID, spec));
    expect(w.ensured).toEqual([{ scenarioId: ID, producers: 1, validators: 2, readUncommittedValidators: 1, consumers: 0 }]);
  });

  it('runs a scenario through every phase and returns the verdict', async () => {
    const w = new World();
    const { spec } = scenario(FAULTS);
    const result = await new ScenarioRunner(w.deps()).run(w.context(ID, spec));

    expect(result).toEqual({
      verdict: 'pass',
      reasons: [],
      reportLocation: `/reports/${ID}`,
      drained: true,
      drainWaitedMs: expect.any(Number),
    });
    expect(w.topicCalls).toEqual(['create t', 'wait source.t']);
    expect(w.ensured).toEqual([{ scenarioId: ID, producers: 1, validators: 1, consumers: 0 }]);
    expect(w.types(ID)).toEqual(['scenario.started', 'scenario.measuring', 'scenario.stopping', 'scenario.drained']);
    expect(w.released).toEqual([ID]);
    // At the end of the workload: faults not injected yet are cancelled, active ones healed.
    expect(w.cancelled).toEqual([`${ID}/f0__inject`, `${ID}/f1__inject`]);
    expect(w.healAlls).toEqual([{ scenarioId: ID, reason: 'workload ended' }]);
    expect(w.lastRecord.faultsSettled).toEqual({ settled: true, waitedMs: 0, cancelled: 2, unhealed: [] });

    const phases = [...new Set(w.saved.map((r) => r.phase))];
    expect(phases).toEqual(PHASES.filter((p) => p !== 'failed' && p !== 'aborted'));
    const rec = w.lastRecord;
    expect(rec.cleanedUp).toBe(true);
    expect(Object.keys(rec.phaseTimes)).toHaveLength(8);
    expect(w.progress[w.progress.length - 1]).toBe(100);
    expect(w.progress).toEqual([...w.progress].sort((a, b) => a - b));
  });

  it('asks the workload for the source audit consumer when the scenario sets audit.sourceConsumer', async () => {
    const w = new World();
    await new ScenarioRunner(w.deps()).run(w.context(ID, scenario({ ...FAULTS, audit: { sourceConsumer: true } }).spec));
    expect(w.ensured).toEqual([{ scenarioId: ID, producers: 1, validators: 1, consumers: 0, sourceAudit: true }]);
  });

  it('audits the source topics from provisioning on, its last sample published before scenario.drained', async () => {
    const w = new World();
    const reads: string[][] = [];
    const audit = new SourceAuditor({
      reader: {
        partitionOffsets: async (topics) => (
          reads.push([...topics]),
          topics.map((topic) => ({ topic, partition: 0, logStartOffset: 0, highWatermark: reads.length }))
        ),
      },
      publish: async (e) => void w.published.push(e as never),
      clock: w.clock,
      logger: w.deps().logger,
      source: 'prov',
      intervalMs: 1000,
    });
    await new ScenarioRunner(w.deps({ audit })).run(w.context(ID, scenario(FAULTS).spec));
    const types = w.published.filter((e) => e.scenarioId === ID).map((e) => e.type);
    expect(types[0]).toBe('source.audit');
    expect(types.lastIndexOf('source.audit')).toBeLessThan(types.indexOf('scenario.drained'));
    expect(reads.length).toBeGreaterThan(2);
    expect(reads.every((t) => t.join() === 't')).toBe(true);
    const count = reads.length;
    await new Promise((r) => setTimeout(r, 20));
    expect(reads.length).toBe(count);
  });

  it('announces start 2 s ahead with the validated spec and target topics, and schedules each fault at start + at', async () => {
    const w = new World();
    const { spec } = scenario(FAULTS);
    const t0 = w.clock.nowMs();
    await new ScenarioRunner(w.deps()).run(w.context(ID, spec));

    const started = w.published.find((e) => e.type === 'scenario.started');
    if (started?.type !== 'scenario.started') throw new Error('no scenario.started');
    expect(started.startAtMs).toBe(started.atMs + 2000);
    expect(started.endAtMs).toBe(started.startAtMs + 10_000);
    expect(started.targetTopics).toEqual({ t: 'source.t' });
    expect(started.spec).toMatchObject({ name: 'unit', workload: { duration: 10_000 }, drainTimeout: 30_000 });
    expect(started.atMs).toBeGreaterThanOrEqual(t0);

    expect(w.scheduled.map((j) => [j.jobId, j.atMs - started.startAtMs, j.data.action])).toEqual([
      [`${ID}/f0__inject`, 2000, 'inject'],
      [`${ID}/f0__heal`, 5000, 'heal'],
      [`${ID}/f1__inject`, 4000, 'inject'],
    ]);
    const stopping = w.published.find((e) => e.type === 'scenario.stopping');
    expect(stopping?.atMs).toBeGreaterThanOrEqual(started.endAtMs);
    expect(stopping).toMatchObject({ reason: 'duration reached' });
  });

  it('without a warm-up (warmup.timeout 0s) measuring starts with the producers', async () => {
    const w = new World();
    await new ScenarioRunner(w.deps()).run(w.context(ID, scenario(FAULTS).spec));
    const started = w.published.find((e) => e.type === 'scenario.started') as { startAtMs: number };
    expect(w.published.find((e) => e.type === 'scenario.measuring')).toMatchObject({
      measuringAtMs: started.startAtMs,
      endAtMs: started.startAtMs + 10_000,
      steady: true,
      firstReadAtMs: null,
      detail: 'no warm-up (warmup.timeout is 0)',
    });
  });

  describe('warm-up (issue 11 item 13)', () => {
    /**
     * A validator that reports every second: nothing read for the first 6 s after the start,
     * then p99 9 s, 5 s, 2 s while the replicator catches up, then a steady 40 ms.
     */
    function coldReplicator(w: World, p99MsAt: (rel: number) => number | null) {
      const h = new LatencyHistograms();
      let started: number | undefined;
      let filled = 0;
      w.clock.onSleep = (now) => {
        const s = w.watch.get(ID);
        started ??= s?.started?.startAtMs;
        if (started === undefined || s?.measuring || now % 1000 !== 0) return;
        const base = Math.floor(started / 1000);
        for (let sec = Math.max(filled, base); sec < now / 1000; sec++) {
          const p99 = p99MsAt(sec - base);
          if (p99 !== null) for (let i = 0; i < 10; i++) h.record(sec * 1e6 + 500_000, p99 * 1000);
          filled = sec + 1;
        }
        w.apply({
          v: 1,
          type: 'validator.report',
          scenarioId: ID,
          atMs: now,
          source: 'v1',
          validatorId: 'v1',
          final: false,
          state: {},
          latency: { endToEnd: h.toSnapshot() },
          partitions: [],
          drained: false,
        });
      };
    }

    it('measures from the first moment latency was steady for 3 s; faults and the end count from there', async () => {
      const w = new World();
      coldReplicator(w, (rel) => (rel < 6 ? null : rel === 6 ? 9000 : rel === 7 ? 5000 : rel === 8 ? 2000 : 40));
      await new ScenarioRunner(w.deps()).run(w.context(ID, scenario({ ...FAULTS, warmup: { steadyFor: '3s', timeout: '60s' } }).spec));
      const started = w.published.find((e) => e.type === 'scenario.started') as { startAtMs: number; endAtMs: number };
      const measuring = w.published.find((e) => e.type === 'scenario.measuring') as { measuringAtMs: number; endAtMs: number };
      // Producers may write through the warm-up's timeout (60 s) plus 10 s of slack plus the workload.
      expect(started.endAtMs - started.startAtMs).toBe(80_000);
      // Seconds 9, 10 and 11 after the start are the first three steady ones (40 ms each; 8 was at 2 s): complete at 12 s.
      expect(measuring).toMatchObject({
        measuringAtMs: started.startAtMs + 12_000,
        endAtMs: started.startAtMs + 22_000,
        firstReadAtMs: started.startAtMs + 6000,
        steady: true,
        detail: 'p99 steady for 3 s (40 ms to 40 ms)',
      });
      expect(w.scheduled.map((j) => [j.jobId, j.atMs - measuring.measuringAtMs])).toEqual([
        [`${ID}/f0__inject`, 2000],
        [`${ID}/f0__heal`, 5000],
        [`${ID}/f1__inject`, 4000],
      ]);
      const stopping = w.published.find((e) => e.type === 'scenario.stopping')!;
      expect(stopping.atMs).toBe(measuring.endAtMs);
      expect(w.lastRecord).toMatchObject({
        measuringAtMs: measuring.measuringAtMs,
        measuredEndAtMs: measuring.endAtMs,
        warmup: { steady: true, firstReadAtMs: started.startAtMs + 6000 },
      });
    });

    it('a replicator that copies nothing is a finding: the warm-up times out and measuring starts anyway', async () => {
      const w = new World();
      coldReplicator(w, () => null);
      await new ScenarioRunner(w.deps()).run(w.context(ID, scenario({ warmup: { steadyFor: '3s', timeout: '20s' } }).spec));
      const started = w.published.find((e) => e.type === 'scenario.started') as { startAtMs: number };
      expect(w.published.find((e) => e.type === 'scenario.measuring')).toMatchObject({
        measuringAtMs: started.startAtMs + 20_000,
        endAtMs: started.startAtMs + 30_000,
        firstReadAtMs: null,
        steady: false,
        detail: 'warm-up timed out after 20 s: the replicator copied nothing; measuring anyway',
      });
    });
  });

  it('writes the start and end times before announcing them', async () => {
    const w = new World();
    const { spec } = scenario();
    const deps = w.deps();
    const publish = deps.publish;
    let recordAtStart: RunRecord | undefined;
    deps.publish = async (e) => {
      if (e.type === 'scenario.started') recordAtStart = w.lastRecord;
      await publish(e);
    };
    await new ScenarioRunner(deps).run(w.context(ID, spec));
    expect(recordAtStart).toMatchObject({ phase: 'running', startAtMs: expect.any(Number), endAtMs: expect.any(Number) });
  });

  describe('resume', () => {
    function runningRecord(w: World, faultsScheduled: boolean): RunRecord {
      const startAtMs = w.clock.nowMs() - 4000;
      const { spec } = scenario(FAULTS);
      w.apply({
        v: 1,
        type: 'scenario.started',
        scenarioId: ID,
        atMs: startAtMs - 2000,
        source: 'prov-dead',
        spec: spec as never,
        targetTopics: { t: 'source.t' },
        startAtMs,
        endAtMs: startAtMs + 10_000,
      });
      return {
        ...newRunRecord(),
        phase: 'running',
        phaseTimes: { provisioning: startAtMs - 9000, running: startAtMs - 2000 },
        targetTopics: { t: 'source.t' },
        startAtMs,
        endAtMs: startAtMs + 10_000,
        published: { started: startAtMs - 2000 },
        faultJobIds: [`${ID}/f0__inject`, `${ID}/f0__heal`, `${ID}/f1__inject`],
        ...(faultsScheduled ? { faultsScheduledAtMs: startAtMs - 1900 } : {}),
      };
    }

    it('from running: keeps the announced times, does not start again, and finishes', async () => {
      const w = new World();
      const record = runningRecord(w, true);
      const { spec } = scenario(FAULTS);
      const result = await new ScenarioRunner(w.deps()).run(w.context(ID, spec, { record }));

      expect(result.verdict).toBe('pass');
      expect(w.types(ID)).toEqual(['scenario.started', 'scenario.measuring', 'scenario.stopping', 'scenario.drained']);
      expect(w.topicCalls).toEqual([]);
      expect(w.ensured).toEqual([]);
      expect(w.scheduled).toEqual([]);
      expect(w.lastRecord).toMatchObject({ resumes: 1, startAtMs: record.startAtMs, endAtMs: record.endAtMs, phase: 'done' });
      expect(w.published.find((e) => e.type === 'scenario.stopping')!.atMs).toBeGreaterThanOrEqual(record.endAtMs!);
    });

    it('from running before the faults were enqueued: enqueues them with the same ids', async () => {
      const w = new World();
      const record = runningRecord(w, false);
      const { spec } = scenario(FAULTS);
      await new ScenarioRunner(w.deps()).run(w.context(ID, spec, { record }));
      expect(w.scheduled.map((j) => j.jobId)).toEqual(record.faultJobIds);
      expect(w.scheduled[0].atMs).toBe(record.startAtMs! + 2000);
    });

    it('from running when the start was never announced and its time has passed: announces new times', async () => {
      const w = new World();
      const { spec } = scenario();
      const stale = w.clock.nowMs() - 60_000;
      const record: RunRecord = {
        ...newRunRecord(),
        phase: 'running',
        targetTopics: { t: 'source.t' },
        startAtMs: stale,
        endAtMs: stale + 10_000,
      };
      await new ScenarioRunner(w.deps()).run(w.context(ID, spec, { record }));
      const started = w.published.find((e) => e.type === 'scenario.started');
      expect(started).toMatchObject({ startAtMs: expect.any(Number) });
      expect((started as { startAtMs: number }).startAtMs).toBeGreaterThan(stale + 60_000);
    });

    it('from draining: does not announce the stop again, drains and announces the drain once', async () => {
      const w = new World();
      const record = runningRecord(w, true);
      const stopAtMs = record.endAtMs!;
      await w.clock.sleep(10_000);
      w.apply({ v: 1, type: 'scenario.stopping', scenarioId: ID, atMs: stopAtMs, source: 'prov-dead', reason: 'duration reached' });
      w.apply({
        v: 1,
        type: 'producer.progress',
        scenarioId: ID,
        atMs: stopAtMs + 10,
        source: 'p1',
        producerId: 'p1',
        final: true,
        counts: { sent: 0, acked: 0, failed: 0, indeterminate: 0, bytesSent: 0, achievedRate: 0, targetRate: 1 },
        keys: [],
      });
      const { spec } = scenario(FAULTS);
      const resumed: RunRecord = {
        ...record,
        phase: 'draining',
        stopAtMs,
        stopReason: 'duration reached',
        published: { ...record.published, stopping: stopAtMs },
      };
      const result = await new ScenarioRunner(w.deps()).run(w.context(ID, spec, { record: resumed }));
      expect(result.drained).toBe(true);
      expect(w.types(ID)).toEqual(['scenario.started', 'scenario.stopping', 'scenario.drained']);
    });

    it('gives up cleanly after MAX_RESUMES takeovers: stopped, healed, drained (false), released', async () => {
      const w = new World();
      const record = { ...runningRecord(w, true), resumes: 3 };
      const { spec } = scenario(FAULTS);
      const err = await rejection(new ScenarioRunner(w.deps()).run(w.context(ID, spec, { record })));
      expect(err).toBeInstanceOf(ScenarioRunError);
      expect((err as ScenarioRunError).code).toBe('resume_limit');
      expect(w.types(ID)).toEqual(['scenario.started', 'scenario.stopping', 'scenario.drained']);
      expect(w.published.find((e) => e.type === 'scenario.stopping')).toMatchObject({ reason: 'failed: resume_limit' });
      expect(w.published.find((e) => e.type === 'scenario.drained')).toMatchObject({ drained: false });
      expect(w.healAlls).toEqual([{ scenarioId: ID, reason: 'failed: resume_limit' }]);
      expect(w.released).toEqual([ID]);
      expect(w.lastRecord).toMatchObject({ phase: 'failed', cleanedUp: true, error: { code: 'resume_limit' } });
    });
  });

  it('waits after the workload for every injected fault to publish its heal before draining', async () => {
    const w = new World();
    const { spec } = scenario(FAULTS);
    const base = { v: 1 as const, scenarioId: ID, source: 'fault-runner' };
    w.faultJobsInFlight = 1;
    w.clock.onSleep = () => {
      const rec = w.lastRecord;
      if (rec?.phase === 'running' && !w.published.some((e) => e.type === 'fault.injected')) {
        w.apply({ ...base, atMs: w.clock.nowMs(), type: 'fault.injected', faultId: `${ID}/f0`, kind: 'pause-broker' });
      }
      if (rec?.phase === 'stopping' && w.clock.nowMs() - (rec.stopAtMs ?? 0) >= 4000) {
        w.faultJobsInFlight = 0;
        if (!w.published.some((e) => e.type === 'fault.healed'))
          w.apply({ ...base, atMs: w.clock.nowMs(), type: 'fault.healed', faultId: `${ID}/f0`, kind: 'pause-broker', verified: true });
      }
    };
    await new ScenarioRunner(w.deps()).run(w.context(ID, spec));

    const settled = w.lastRecord.faultsSettled!;
    expect(settled).toMatchObject({ settled: true, unhealed: [] });
    expect(settled.waitedMs).toBeGreaterThanOrEqual(4000);
    const healed = w.published.findIndex((e) => e.type === 'fault.healed');
    expect(healed).toBeGreaterThan(-1);
    expect(healed).toBeLessThan(w.published.findIndex((e) => e.type === 'scenario.drained'));
  });

  it('a one-shot fault (announced without a duration) publishes no heal and does not hold the run', async () => {
    const w = new World();
    const { spec } = scenario(FAULTS);
    w.clock.onSleep = () => {
      if (w.lastRecord?.phase === 'running' && !w.published.some((e) => e.type === 'fault.injected')) {
        w.apply({
          v: 1,
          scenarioId: ID,
          source: 'fault-runner',
          atMs: w.clock.nowMs(),
          type: 'fault.injected',
          faultId: `${ID}/f0`,
          kind: 'recreate-topic',
          durationMs: null,
        });
      }
    };
    await new ScenarioRunner(w.deps()).run(w.context(ID, spec));
    expect(w.lastRecord.faultsSettled).toEqual({ settled: true, waitedMs: 0, cancelled: 2, unhealed: [] });
  });

  it('a fault that never heals holds the run no longer than the settle timeout, and is recorded', async () => {
    const w = new World();
    const { spec } = scenario(FAULTS);
    w.clock.onSleep = () => {
      if (w.lastRecord?.phase === 'running' && !w.published.some((e) => e.type === 'fault.injected')) {
        w.apply({
          v: 1,
          scenarioId: ID,
          source: 'fault-runner',
          atMs: w.clock.nowMs(),
          type: 'fault.injected',
          faultId: `${ID}/f0`,
          kind: 'pause-broker',
        });
      }
    };
    const result = await new ScenarioRunner(w.deps()).run(w.context(ID, spec));

    expect(result.verdict).toBe('pass'); // the aggregator's verdict; the report warns about the unhealed fault
    expect(w.lastRecord.faultsSettled).toEqual({ settled: false, waitedMs: 30_000, cancelled: 2, unhealed: [`${ID}/f0`] });
  });

  it('abort mid-run: stops with reason aborted, removes pending fault jobs, heals all, drains, releases, ends aborted', async () => {
    const w = new World();
    const { spec } = scenario(FAULTS);
    const abort = new AbortController();
    w.clock.onSleep = () => {
      if (w.lastRecord?.phase === 'running' && w.lastRecord.faultsScheduledAtMs !== undefined) abort.abort(new RunInterrupted('abort'));
    };
    const err = await rejection(new ScenarioRunner(w.deps()).run(w.context(ID, spec, { abort: abort.signal })));

    expect((err as ScenarioRunError).code).toBe('aborted');
    expect(w.types(ID)).toEqual(['scenario.started', 'scenario.measuring', 'scenario.stopping', 'scenario.drained']);
    expect(w.published.find((e) => e.type === 'scenario.stopping')).toMatchObject({ reason: 'aborted' });
    expect(w.published.find((e) => e.type === 'scenario.drained')).toMatchObject({ drained: true });
    expect(w.cancelled).toEqual([`${ID}/f0__inject`, `${ID}/f0__heal`, `${ID}/f1__inject`]);
    expect(w.healAlls).toEqual([{ scenarioId: ID, reason: 'aborted' }]);
    expect(w.released).toEqual([ID]);
    expect(w.lastRecord).toMatchObject({ phase: 'aborted', cleanedUp: true, error: { code: 'aborted' }, healAllJobId: `${ID}__heal-all` });
    expect(w.lastRecord.phaseTimes.reporting).toBeUndefined();
  });

  it('abort before the start: heals and releases, announces nothing', async () => {
    const w = new World();
    const abort = new AbortController();
    abort.abort(new RunInterrupted('abort'));
    const err = await rejection(new ScenarioRunner(w.deps()).run(w.context(ID, scenario().spec, { abort: abort.signal })));
    expect((err as ScenarioRunError).code).toBe('aborted');
    expect(w.published).toEqual([]);
    expect(w.healAlls).toHaveLength(1);
    expect(w.released).toEqual([ID]);
  });

  it('a replicator timeout fails the run with its code, heals, releases, and announces nothing', async () => {
    const w = new World();
    w.failWaitForTargets = new ScenarioRunError('replicator_timeout', 'target topic source.t does not exist after 60 s');
    const err = await rejection(new ScenarioRunner(w.deps()).run(w.context(ID, scenario().spec)));
    expect((err as ScenarioRunError).code).toBe('replicator_timeout');
    expect(w.published).toEqual([]);
    expect(w.ensured).toEqual([]);
    expect(w.healAlls).toEqual([{ scenarioId: ID, reason: 'failed: replicator_timeout' }]);
    expect(w.released).toEqual([ID]);
    expect(w.lastRecord).toMatchObject({
      phase: 'failed',
      error: { code: 'replicator_timeout', message: expect.stringContaining('source.t') },
      cleanedUp: true,
    });
  });

  it('an unexpected error becomes code internal, with the same cleanup', async () => {
    const w = new World();
    w.failWaitForTargets = new Error('connection reset');
    const err = await rejection(new ScenarioRunner(w.deps()).run(w.context(ID, scenario().spec)));
    expect(err).toMatchObject({ code: 'internal', message: expect.stringContaining('connection reset') });
    expect(w.released).toEqual([ID]);
  });

  it('an invalid spec fails cleanly with the problems', async () => {
    const w = new World();
    const err = await rejection(
      new ScenarioRunner(w.deps()).run(w.context(ID, undefined, { specProblems: ['workload.duration: required'] })),
    );
    expect(err).toMatchObject({ code: 'scenario_invalid', message: expect.stringContaining('workload.duration: required') });
    expect(w.topicCalls).toEqual([]);
  });

  it('no report.ready in time: report_timeout after a complete, drained run', async () => {
    const w = new World();
    w.behaviour.aggregator = false;
    const err = await rejection(new ScenarioRunner(w.deps()).run(w.context(ID, scenario().spec)));
    expect(err).toMatchObject({ code: 'report_timeout', message: expect.stringContaining('report-aggregator') });
    expect(w.types(ID)).toEqual(['scenario.started', 'scenario.measuring', 'scenario.stopping', 'scenario.drained']);
    expect(w.published.find((e) => e.type === 'scenario.drained')).toMatchObject({ drained: true });
    expect(w.released).toEqual([ID]);
    expect(w.lastRecord).toMatchObject({ phase: 'failed', drain: { drained: true }, cleanedUp: true });
  });

  it('a drain that does not complete ends at drainTimeout with drained: false, naming what was missing, and the run goes on', async () => {
    const w = new World();
    w.behaviour.validatorsDrain = false;
    const result = await new ScenarioRunner(w.deps()).run(w.context(ID, scenario().spec));
    expect(result.drained).toBe(false);
    expect(result.drainWaitedMs).toBeGreaterThanOrEqual(30_000);
    expect(w.published.find((e) => e.type === 'scenario.drained')).toMatchObject({ drained: false });
    expect(w.lastRecord.drain?.pending).toEqual(['validator v1: not drained']);
  });

  it('shutdown mid-run leaves the run as it is, resumable: no stop, no heal, no release', async () => {
    const w = new World();
    const shutdown = new AbortController();
    w.clock.onSleep = () => {
      if (w.lastRecord?.phase === 'running') shutdown.abort(new RunInterrupted('shutdown'));
    };
    const err = await rejection(new ScenarioRunner(w.deps()).run(w.context(ID, scenario().spec, { shutdown: shutdown.signal })));
    expect(err).toBeInstanceOf(RunInterrupted);
    expect(w.types(ID)).toEqual(['scenario.started', 'scenario.measuring']);
    expect(w.healAlls).toEqual([]);
    expect(w.released).toEqual([]);
    expect(w.lastRecord.phase).toBe('running');

    // The next provisioner picks the record up and finishes the run.
    w.clock.onSleep = undefined;
    const result = await new ScenarioRunner(w.deps()).run(w.context(ID, scenario().spec, { record: w.lastRecord }));
    expect(result.verdict).toBe('pass');
    expect(w.types(ID)).toEqual(['scenario.started', 'scenario.measuring', 'scenario.stopping', 'scenario.drained']);
  });

  it('cleanUp (the sweeper) stops, heals, announces and releases a run BullMQ failed mid-run', async () => {
    const w = new World();
    const { spec } = scenario();
    const startAtMs = w.clock.nowMs();
    w.apply({
      v: 1,
      type: 'scenario.started',
      scenarioId: ID,
      atMs: startAtMs,
      source: 'prov-dead',
      spec: spec as never,
      targetTopics: { t: 'source.t' },
      startAtMs,
      endAtMs: startAtMs + 10_000,
    });
    const record: RunRecord = {
      ...newRunRecord(),
      phase: 'running',
      startAtMs,
      endAtMs: startAtMs + 10_000,
      published: { started: startAtMs },
    };
    const after = await new ScenarioRunner(w.deps()).cleanUp(w.context(ID, spec, { record }), 'job stalled more than allowable limit');
    expect(after).toMatchObject({
      phase: 'failed',
      cleanedUp: true,
      error: { code: 'internal', message: 'job stalled more than allowable limit' },
    });
    expect(w.types(ID)).toEqual(['scenario.started', 'scenario.stopping', 'scenario.drained']);
    expect(w.healAlls).toHaveLength(1);
    expect(w.released).toEqual([ID]);
  });
});

import { validateScenario, type ScenarioSpec, type ScenarioSpecInput } from '@mirrorlab/protocol';
import { controlEventSchema, ScenarioViews, type ControlEvent, type ControlEventInput } from '@mirrorlab/control';
import { createLogger, type Clock, type Logger } from '@mirrorlab/service-kit';
import { ValidatorState } from '@mirrorlab/validation';
import type { FaultQueue, PlannedFaultJob } from '../fault-schedule';
import { newRunRecord, type RunRecord } from '../run-record';
import type { RunContext, RunnerSettings, ScenarioRunnerDeps } from '../scenario-runner';
import type { WorkloadOrchestrator, WorkloadRequest } from '../workload/workload-orchestrator';

/** A clock that moves only when the code under test sleeps; `onSleep` lets a test act at a given time. */
export function fakeClock(startMs = 1_000_000): Clock & { onSleep?: (nowMs: number) => void } {
  let now = startMs;
  const clock: Clock & { onSleep?: (nowMs: number) => void } = {
    nowMs: () => now,
    nowUs: () => now * 1000,
    async sleep(ms, signal) {
      signal?.throwIfAborted();
      now += Math.max(1, ms);
      clock.onSleep?.(now);
      await new Promise((r) => setImmediate(r));
      signal?.throwIfAborted();
    },
  };
  return clock;
}

export const silentLogger = (): Logger => createLogger({ service: 'provisioner', instance: 'test', write: () => undefined });

export function scenario(overrides: Partial<ScenarioSpecInput> = {}): { raw: ScenarioSpecInput; spec: ScenarioSpec } {
  // No warm-up unless a test asks for one: it needs validators reporting latency.
  const raw: ScenarioSpecInput = {
    name: 'unit',
    topics: [{ name: 't', partitions: 1 }],
    workload: { rate: { records: 10 }, duration: '10s' },
    drainTimeout: '30s',
    warmup: { timeout: '0s' },
    ...overrides,
  };
  const r = validateScenario(raw);
  if (!r.ok) throw r.error;
  return { raw, spec: r.spec };
}

export const SETTINGS: RunnerSettings = {
  startDelayMs: 2000,
  replicatorTimeoutMs: 60_000,
  reportTimeoutMs: 10_000,
  finalReportWaitMs: 5000,
  faultSettleTimeoutMs: 30_000,
  validatorStaleMs: 30_000,
  maxResumes: 3,
  pollMs: 500,
  progressEveryMs: 2000,
};

/**
 * Everything around a ScenarioRunner, faked: the control topic (published events
 * are folded into the watch at once), and producers, validators and an
 * aggregator that answer announcements the way the real services do.
 */
export class World {
  readonly clock = fakeClock();
  readonly watch = new ScenarioViews();
  readonly published: ControlEvent[] = [];
  readonly scheduled: PlannedFaultJob[] = [];
  readonly cancelled: string[] = [];
  readonly healAlls: Array<{ scenarioId: string; reason: string }> = [];
  readonly ensured: WorkloadRequest[] = [];
  readonly released: string[] = [];
  readonly topicCalls: string[] = [];
  readonly saved: RunRecord[] = [];
  readonly progress: number[] = [];
  /** What the fake services do; tests switch behaviours off. */
  behaviour = { producers: true, validatorsDrain: true, aggregator: true, acked: 10 };
  failWaitForTargets: Error | undefined;
  /** What the fake fault queue says is being worked on. */
  faultJobsInFlight = 0;
  private readonly scheduledIds = new Set<string>();

  deps(overrides: Partial<ScenarioRunnerDeps> = {}): ScenarioRunnerDeps {
    const faults: FaultQueue = {
      schedule: async (jobs) => {
        for (const j of jobs.filter((x) => !this.scheduledIds.has(x.jobId))) {
          this.scheduledIds.add(j.jobId);
          this.scheduled.push(j);
        }
      },
      cancelPending: async (ids) => {
        this.cancelled.push(...ids);
        return ids.length;
      },
      healAll: async (scenarioId, reason, jobId) => {
        this.healAlls.push({ scenarioId, reason });
        return jobId ?? `${scenarioId}__heal-all`;
      },
      inFlight: async () => this.faultJobsInFlight,
    };
    const workload: WorkloadOrchestrator = {
      kind: 'fake',
      ensure: async (req) => {
        this.ensured.push(req);
        return {
          kind: 'fake',
          processes: [
            { role: 'producer', id: 'p1' },
            { role: 'validator', id: 'v1' },
          ],
        };
      },
      release: async (id) => void this.released.push(id),
    };
    return {
      topics: {
        ensureSourceTopics: async (spec) => void this.topicCalls.push(`create ${spec.topics.map((t) => t.name).join(',')}`),
        waitForTargetTopics: async (wanted) => {
          this.topicCalls.push(`wait ${wanted.map((w) => w.topic).join(',')}`);
          if (this.failWaitForTargets) throw this.failWaitForTargets;
        },
      },
      publish: (e) => this.publish(e),
      watch: this.watch,
      faults,
      workload,
      clock: this.clock,
      logger: silentLogger(),
      source: 'prov-test',
      settings: SETTINGS,
      ...overrides,
    };
  }

  context(scenarioId: string, spec: ScenarioSpec | undefined, over: Partial<RunContext> = {}): RunContext {
    return {
      scenarioId,
      spec,
      record: newRunRecord(),
      save: async (r) => void this.saved.push(r),
      progress: async (p) => void this.progress.push(p),
      abort: new AbortController().signal,
      shutdown: new AbortController().signal,
      ...over,
    };
  }

  get lastRecord(): RunRecord {
    return this.saved[this.saved.length - 1];
  }

  types(scenarioId: string): string[] {
    return this.published.filter((e) => e.scenarioId === scenarioId && e.type.startsWith('scenario.')).map((e) => e.type);
  }

  /** Applies an event as if it came from the control topic. */
  apply(e: ControlEventInput): void {
    const event = controlEventSchema.parse(e);
    this.published.push(event);
    this.watch.apply(event);
  }

  private async publish(e: ControlEventInput): Promise<void> {
    this.apply(e);
    const now = this.clock.nowMs();
    const { scenarioId } = e;
    const base = { v: 1 as const, scenarioId, atMs: now };
    if (e.type === 'scenario.stopping' && this.behaviour.producers) {
      this.apply({
        ...base,
        type: 'producer.progress',
        source: 'p1',
        producerId: 'p1',
        final: true,
        counts: this.counts(),
        keys: [{ topic: 't', keyEpoch: 0, key: 'k', acked: [[0, this.behaviour.acked - 1]], failed: [], indeterminate: [] }],
      });
      this.apply({
        ...base,
        type: 'validator.report',
        source: 'v1',
        validatorId: 'v1',
        final: false,
        state: this.validatorState(),
        latency: {},
        partitions: [],
        drained: this.behaviour.validatorsDrain,
      });
    }
    if (e.type === 'scenario.drained') {
      this.apply({
        ...base,
        type: 'validator.report',
        source: 'v1',
        validatorId: 'v1',
        final: true,
        state: this.validatorState(),
        latency: {},
        partitions: [],
        drained: true,
      });
      if (this.behaviour.aggregator)
        this.apply({ ...base, type: 'report.ready', source: 'agg', verdict: 'pass', reasons: [], location: `/reports/${scenarioId}` });
    }
  }

  private counts() {
    const n = this.behaviour.acked;
    return { sent: n, acked: n, failed: 0, indeterminate: 0, bytesSent: n * 10, achievedRate: 1, targetRate: 1 };
  }

  /** Validator v1 read seqs 0..acked-1 of key k (all of them only when validators drain). */
  private validatorState(): unknown {
    const s = new ValidatorState();
    const read = this.behaviour.validatorsDrain ? this.behaviour.acked : Math.max(0, this.behaviour.acked - 3);
    for (let seq = 0; seq < read; seq++) {
      s.observe({
        topic: 'source.t',
        partition: 0,
        offset: seq,
        producerId: 'p1',
        keyEpoch: 0,
        key: 'k',
        seq,
        sendTimeUs: 1,
        arrivalUs: 2,
      });
    }
    return s.toSnapshot();
  }
}

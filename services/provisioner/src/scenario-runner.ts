import { DEFAULT_DRAIN_TIMEOUT_MS, type ScenarioSpec } from '@mirrorlab/protocol';
import type { ControlEventInput } from '@mirrorlab/control';
import type { WarmupDecision } from '@mirrorlab/report';
import type { Clock, Logger } from '@mirrorlab/service-kit';
import { describePending, drainStatus, type DrainStatus } from './drain-check';
import { isInterrupt, RunInterrupted, ScenarioRunError, toRunError } from './errors';
import { healAtStopJobId, planFaultJobs, type FaultQueue } from './fault-schedule';
import type { ProvisionerMetrics } from './provisioner-metrics';
import { isTerminal, phaseIndex, progressOf, type Phase, type RunRecord, type RunResult } from './run-record';
import type { ScenarioViews } from '@mirrorlab/control';
import type { RunningAudit, SourceAuditor } from './source-auditor';
import { targetTopicsOf, type TopicProvisioner } from './topic-provisioning';
import { expectedRecordRate, warmupStatus } from './warmup-check';
import type { WorkloadOrchestrator } from './workload/workload-orchestrator';

export interface RunnerSettings {
  startDelayMs: number;
  replicatorTimeoutMs: number;
  reportTimeoutMs: number;
  finalReportWaitMs: number;
  /** How long, after the workload ends, the faults may take to heal (heals are published before the report). */
  faultSettleTimeoutMs: number;
  validatorStaleMs: number;
  maxResumes: number;
  /** How often waits look at the control topic's view again. */
  pollMs: number;
  progressEveryMs: number;
}

export interface ScenarioRunnerDeps {
  topics: Pick<TopicProvisioner, 'ensureSourceTopics' | 'waitForTargetTopics'>;
  publish: (event: ControlEventInput) => Promise<void>;
  watch: ScenarioViews;
  faults: FaultQueue;
  workload: WorkloadOrchestrator;
  clock: Clock;
  logger: Logger;
  metrics?: ProvisionerMetrics;
  /** Samples the source partitions' log start offsets and high watermarks while the run lasts (the report's lost split). */
  audit?: SourceAuditor;
  /** `source` of the control events this provisioner publishes (its instance id). */
  source: string;
  settings: RunnerSettings;
}

export interface RunContext {
  scenarioId: string;
  /** Undefined when the job's spec does not validate (any more): the run fails cleanly. */
  spec: ScenarioSpec | undefined;
  specProblems?: readonly string[];
  record: RunRecord;
  /** Persists the run record (the BullMQ job's data); called before every side effect. */
  save(record: RunRecord): Promise<void>;
  progress(percent: number): Promise<void>;
  /** DELETE /scenarios/:id: end the run cleanly now. */
  abort: AbortSignal;
  /** This provisioner is stopping: leave the run as it is, resumable. */
  shutdown: AbortSignal;
}

/** How much longer than the workload producers may write: the warm-up's timeout, and a little for deciding. */
function warmupAllowanceMs(spec: ScenarioSpec): number {
  return spec.warmup.timeout > 0 ? spec.warmup.timeout + WARMUP_DECISION_SLACK_MS : 0;
}
const WARMUP_DECISION_SLACK_MS = 10_000;

/**
 * Runs one scenario through its phases: provisioning -> waiting-for-replicator
 * -> starting-workload -> running (a warm-up, then the measured workload) -> stopping
 * -> draining -> reporting -> done.
 *
 * Resume rule: every step first looks at the run record (and at the control
 * topic) to see whether it already happened. Provisioning, the replicator wait
 * and starting the workload are idempotent and are simply done again; the
 * start, stop and drain announcements go out once; fault jobs have
 * deterministic ids; times already chosen (start, end, stop) are kept.
 *
 * Failure or abort: pending fault jobs are removed and a `heal-all` enqueued,
 * a started scenario is stopped (an aborted one drained) and announced drained,
 * and the workload is released, so nothing is left half-running.
 */
export class ScenarioRunner {
  constructor(private readonly deps: ScenarioRunnerDeps) {}

  run(ctx: RunContext): Promise<RunResult> {
    return new ScenarioRun(this.deps, ctx).execute();
  }

  /** Finishes the cleanup of a run that failed without it (the sweeper's job). */
  cleanUp(ctx: RunContext, reason: string): Promise<RunRecord> {
    return new ScenarioRun(this.deps, ctx).cleanUpOnly(reason);
  }
}

class ScenarioRun {
  private readonly rec: RunRecord;
  private readonly log: Logger;
  private readonly id: string;
  private lastProgress = { pct: -1, atMs: 0 };

  constructor(
    private readonly d: ScenarioRunnerDeps,
    private readonly ctx: RunContext,
  ) {
    this.rec = structuredClone(ctx.record);
    this.id = ctx.scenarioId;
    this.log = d.logger.child({ scenarioId: ctx.scenarioId });
  }

  async execute(): Promise<RunResult> {
    const { ctx } = this;
    if (isTerminal(this.rec.phase)) return this.alreadyFinished();
    const main = AbortSignal.any([ctx.abort, ctx.shutdown]);
    let audit: RunningAudit | undefined;
    try {
      await this.begin();
      ctx.abort.throwIfAborted();
      const spec = this.requireSpec();
      await this.provision(spec, main);
      if (this.rec.published.drained === undefined)
        audit = this.d.audit?.start(
          this.id,
          spec.topics.map((t) => t.name),
        );
      await this.startWorkload(spec, main);
      await this.runWorkload(spec, main);
      await this.stop('duration reached');
      await this.settleFaults(main);
      await this.drain(spec, main);
      // Its last sample goes out before scenario.drained, so the report has it.
      await audit?.stop();
      await this.announceDrained();
      if (this.at('reporting')) await this.enter('reporting');
      await this.releaseWorkload(main);
      return await this.awaitReport(main);
    } catch (err) {
      await audit?.stop();
      if (ctx.shutdown.aborted) throw new RunInterrupted('shutdown');
      if (isInterrupt(err, 'abort') || ctx.abort.aborted) return this.abortRun();
      return this.failRun(toRunError(err));
    }
  }

  async cleanUpOnly(reason: string): Promise<RunRecord> {
    this.rec.error ??= { code: 'internal', message: reason };
    await this.cleanUp(`failed: ${this.rec.error.code}`, false);
    if (!isTerminal(this.rec.phase)) await this.end('failed');
    return this.rec;
  }

  // --- phases -------------------------------------------------------------

  private async begin(): Promise<void> {
    if (this.rec.phase !== 'queued') {
      this.rec.resumes++;
      this.d.metrics?.resume();
      this.log.info('scenario_resumed', { phase: this.rec.phase, resumes: this.rec.resumes });
      if (this.rec.resumes > this.d.settings.maxResumes) {
        throw new ScenarioRunError(
          'resume_limit',
          `the run was taken over ${this.rec.resumes} times (MAX_RESUMES is ${this.d.settings.maxResumes}); it is ended instead of resumed again`,
        );
      }
    }
    this.rec.instance = this.d.source;
    await this.save();
  }

  private requireSpec(): ScenarioSpec {
    if (this.ctx.spec) return this.ctx.spec;
    throw new ScenarioRunError('scenario_invalid', `the job's scenario does not validate: ${(this.ctx.specProblems ?? []).join('; ')}`);
  }

  private async provision(spec: ScenarioSpec, signal: AbortSignal): Promise<void> {
    if (!this.at('waiting-for-replicator')) return;
    await this.enter('provisioning');
    await this.d.topics.ensureSourceTopics(spec, this.log);
    const targets = targetTopicsOf(spec);
    this.rec.targetTopics = targets;
    await this.enter('waiting-for-replicator');
    await this.d.topics.waitForTargetTopics(
      spec.topics.map((t) => ({ topic: targets[t.name], partitions: t.partitions })),
      this.d.settings.replicatorTimeoutMs,
      signal,
      this.log,
    );
  }

  private async startWorkload(spec: ScenarioSpec, signal: AbortSignal): Promise<void> {
    if (!this.at('starting-workload')) return;
    await this.enter('starting-workload');
    this.rec.workload = await this.d.workload.ensure(
      {
        scenarioId: this.id,
        producers: spec.workload.producers,
        validators: spec.validators.count,
        ...(spec.validators.readUncommitted ? { readUncommittedValidators: spec.validators.readUncommitted } : {}),
        consumers: spec.consumers.length > 0 ? 1 : 0,
        ...(spec.audit?.sourceConsumer ? { sourceAudit: true } : {}),
      },
      signal,
    );
    await this.save();
  }

  private async runWorkload(spec: ScenarioSpec, signal: AbortSignal): Promise<void> {
    if (!this.at('running')) return;
    const { clock } = this.d;
    const seen = this.d.watch.get(this.id)?.started;
    if (seen) {
      this.rec.startAtMs = seen.startAtMs;
      this.rec.endAtMs = seen.endAtMs;
      this.rec.published.started ??= seen.atMs;
    }
    if (this.rec.published.started === undefined) {
      const now = clock.nowMs();
      // Times are chosen once; a run resumed before announcing them late gets new ones (nobody has seen the old).
      if (this.rec.startAtMs === undefined || now > this.rec.startAtMs) {
        this.rec.startAtMs = now + this.d.settings.startDelayMs;
        // Producers stop here at the latest; the run normally stops them earlier, at the measured end.
        this.rec.endAtMs = this.rec.startAtMs + warmupAllowanceMs(spec) + spec.workload.duration;
      }
      await this.enter('running');
      await this.d.publish({
        v: 1,
        type: 'scenario.started',
        scenarioId: this.id,
        atMs: now,
        source: this.d.source,
        spec,
        targetTopics: this.rec.targetTopics ?? targetTopicsOf(spec),
        startAtMs: this.rec.startAtMs,
        endAtMs: this.rec.endAtMs!,
      });
      this.rec.published.started = now;
      this.log.info('scenario_started', { startAtMs: this.rec.startAtMs, endAtMs: this.rec.endAtMs, targetTopics: this.rec.targetTopics });
    }
    await this.enter('running');
    const { measuringAtMs, endAtMs } = await this.warmUp(spec, signal);
    if (this.rec.faultsScheduledAtMs === undefined) {
      const jobs = planFaultJobs(this.id, spec, measuringAtMs);
      this.rec.faultJobIds = jobs.map((j) => j.jobId);
      await this.save();
      await this.d.faults.schedule(jobs, clock.nowMs());
      this.rec.faultsScheduledAtMs = clock.nowMs();
      await this.save();
      if (jobs.length > 0) this.log.info('faults_scheduled', { jobs: jobs.map((j) => ({ id: j.jobId, atMs: j.atMs })) });
    }
    await this.waitFor(() => (clock.nowMs() >= endAtMs ? true : undefined), endAtMs, signal);
  }

  /**
   * The warm-up: producers already write at the scenario's rate; measuring starts once the
   * validators' end-to-end latency has been steady (see `decideWarmup`), or at the warm-up's
   * timeout, which the report shows as a finding. Announced once, as `scenario.measuring`.
   */
  private async warmUp(spec: ScenarioSpec, signal: AbortSignal): Promise<{ measuringAtMs: number; endAtMs: number }> {
    const { clock, settings } = this.d;
    const seen = this.d.watch.get(this.id)?.measuring;
    if (seen) {
      this.rec.measuringAtMs = seen.measuringAtMs;
      this.rec.measuredEndAtMs = seen.endAtMs;
      this.rec.published.measuring ??= seen.atMs;
    }
    if (this.rec.published.measuring === undefined) {
      const startAtMs = this.rec.startAtMs!;
      const { steadyFor, timeout } = spec.warmup;
      let decision: WarmupDecision | undefined;
      if (timeout > 0) {
        this.log.info('warmup_started', { startAtMs, steadyForMs: steadyFor, timeoutMs: timeout });
        await this.waitFor(() => (clock.nowMs() >= startAtMs ? true : undefined), startAtMs, signal);
        decision = await this.waitFor(
          () => {
            const d = warmupStatus(this.d.watch.get(this.id), clock.nowMs(), {
              startAtMs,
              steadyForMs: steadyFor,
              timeoutMs: timeout,
              staleMs: settings.validatorStaleMs,
              expectedRate: expectedRecordRate(spec),
            });
            return d.state === 'warming' ? undefined : d;
          },
          startAtMs + timeout + settings.pollMs,
          signal,
        );
      }
      // Without a warm-up, measuring starts with the producers, as announced in scenario.started.
      const measuringAtMs = timeout > 0 ? Math.max(clock.nowMs(), startAtMs) : startAtMs;
      this.rec.measuringAtMs = measuringAtMs;
      this.rec.measuredEndAtMs = Math.min(measuringAtMs + spec.workload.duration, this.rec.endAtMs!);
      const steady = timeout === 0 || decision?.state === 'steady';
      const detail =
        timeout === 0
          ? 'no warm-up (warmup.timeout is 0)'
          : decision && decision.state !== 'warming'
            ? decision.detail
            : `warm-up timed out after ${Math.round(timeout / 1000)} s; measuring anyway`;
      this.rec.warmup = { steady, detail, firstReadAtMs: decision?.firstReadAtMs ?? null };
      await this.save();
      await this.d.publish({
        v: 1,
        type: 'scenario.measuring',
        scenarioId: this.id,
        atMs: clock.nowMs(),
        source: this.d.source,
        measuringAtMs,
        endAtMs: this.rec.measuredEndAtMs,
        firstReadAtMs: this.rec.warmup.firstReadAtMs,
        steady,
        detail,
      });
      this.rec.published.measuring = clock.nowMs();
      await this.save();
      if (steady)
        this.log.info('warmup_finished', { warmupMs: measuringAtMs - startAtMs, firstReadAtMs: this.rec.warmup.firstReadAtMs, detail });
      else this.log.warn('warmup_timed_out', { warmupMs: measuringAtMs - startAtMs, firstReadAtMs: this.rec.warmup.firstReadAtMs, detail });
    }
    return { measuringAtMs: this.rec.measuringAtMs!, endAtMs: this.rec.measuredEndAtMs! };
  }

  private async stop(reason: string): Promise<void> {
    if (!this.at('stopping')) return;
    const seen = this.d.watch.get(this.id)?.stopping;
    this.rec.stopAtMs ??= seen?.atMs ?? this.d.clock.nowMs();
    this.rec.stopReason ??= seen?.reason ?? reason;
    await this.enter('stopping');
    if (this.rec.published.stopping === undefined && !seen) {
      await this.d.publish({
        v: 1,
        type: 'scenario.stopping',
        scenarioId: this.id,
        atMs: this.rec.stopAtMs,
        source: this.d.source,
        reason: this.rec.stopReason,
      });
      this.rec.published.stopping = this.d.clock.nowMs();
      await this.save();
      this.log.info('scenario_stopping', { reason: this.rec.stopReason });
    }
  }

  /**
   * The workload is over: faults not injected yet are cancelled (a fault outside the
   * workload tests nothing), active ones are healed, and the run waits until every
   * injected fault has published its heal, so the report sees every fault window closed.
   */
  private async settleFaults(signal: AbortSignal): Promise<void> {
    if (this.rec.faultsSettled || !this.rec.faultJobIds?.length) return;
    const { clock, settings } = this.d;
    const since = clock.nowMs();
    const ids = this.rec.faultJobIds;
    const cancelled = await this.d.faults.cancelPending(ids.filter((id) => id.endsWith('__inject')));
    if (cancelled > 0) this.log.warn('faults_not_injected', { cancelled, reason: 'the workload ended before their time' });
    await this.d.faults.healAll(this.id, 'workload ended', healAtStopJobId(this.id));
    const unhealed = () => this.d.watch.get(this.id)?.unhealedFaults() ?? [];
    const settled = await this.waitFor(
      async () => ((await this.d.faults.inFlight(ids)) === 0 && unhealed().length === 0 ? true : undefined),
      since + settings.faultSettleTimeoutMs,
      signal,
    );
    this.rec.faultsSettled = { settled: settled === true, waitedMs: clock.nowMs() - since, cancelled, unhealed: settled ? [] : unhealed() };
    await this.save();
    if (settled) this.log.info('faults_settled', { waitedMs: this.rec.faultsSettled.waitedMs });
    else this.log.warn('faults_not_settled', { unhealed: this.rec.faultsSettled.unhealed, waitedMs: this.rec.faultsSettled.waitedMs });
  }

  private async drain(spec: ScenarioSpec | undefined, signal: AbortSignal): Promise<void> {
    if (!this.at('draining') || this.rec.drain || this.rec.stopAtMs === undefined) return;
    await this.enter('draining');
    const { clock, settings } = this.d;
    const stopAtMs = this.rec.stopAtMs;
    let last: DrainStatus | undefined;
    let lastPending = '';
    const done = await this.waitFor(
      () => {
        last = drainStatus(this.d.watch.get(this.id), stopAtMs, clock.nowMs(), settings.validatorStaleMs);
        const pending = describePending(last).join('; ');
        if (pending !== lastPending) this.log.info('drain_pending', { pending: describePending(last) });
        lastPending = pending;
        return last.drained ? last : undefined;
      },
      stopAtMs + (spec?.drainTimeout ?? DEFAULT_DRAIN_TIMEOUT_MS),
      signal,
    );
    const waitedMs = clock.nowMs() - stopAtMs;
    this.rec.drain = { drained: done !== undefined, waitedMs, pending: done || !last ? [] : describePending(last) };
    await this.save();
    if (done) this.log.info('scenario_drained', { waitedMs, acked: done.acked });
    else this.log.warn('drain_timeout', { waitedMs, pending: this.rec.drain.pending });
  }

  private async announceDrained(): Promise<void> {
    if (!this.wasStarted() || this.rec.published.drained !== undefined || this.d.watch.get(this.id)?.drained) return;
    const drain = this.rec.drain ?? { drained: false, waitedMs: 0 };
    await this.d.publish({
      v: 1,
      type: 'scenario.drained',
      scenarioId: this.id,
      atMs: this.d.clock.nowMs(),
      source: this.d.source,
      drained: drain.drained,
      waitedMs: drain.waitedMs,
    });
    this.rec.published.drained = this.d.clock.nowMs();
    await this.save();
  }

  /** Validators publish their final report on `scenario.drained`; give them that long before stopping them. */
  private async releaseWorkload(signal: AbortSignal): Promise<void> {
    if (this.rec.workloadReleased) return;
    const { clock, settings } = this.d;
    if (this.wasStarted() && this.rec.published.drained !== undefined && this.rec.workload?.processes.length) {
      const finalsIn = () => {
        const view = this.d.watch.get(this.id);
        const live = (view?.latestReportsOfEverySet() ?? []).filter((v) => v.atMs >= clock.nowMs() - settings.validatorStaleMs);
        return live.every((v) => v.final) ? true : undefined;
      };
      await this.waitFor(finalsIn, clock.nowMs() + settings.finalReportWaitMs, signal);
    }
    await this.d.workload.release(this.id);
    this.rec.workloadReleased = true;
    await this.save();
  }

  private async awaitReport(signal: AbortSignal): Promise<RunResult> {
    const { clock, settings } = this.d;
    const since = this.rec.published.drained ?? this.d.watch.get(this.id)?.drained?.atMs ?? clock.nowMs();
    const report = await this.waitFor(() => this.d.watch.get(this.id)?.report, since + settings.reportTimeoutMs, signal);
    const drain = this.rec.drain ?? { drained: false, waitedMs: 0 };
    if (!report) {
      throw new ScenarioRunError(
        'report_timeout',
        `no report.ready for ${this.id} within ${Math.round(settings.reportTimeoutMs / 1000)} s of scenario.drained: is the report-aggregator running? The run itself finished (drained: ${drain.drained}).`,
      );
    }
    const result: RunResult = {
      verdict: report.verdict,
      reasons: report.reasons,
      reportLocation: report.location,
      drained: drain.drained,
      drainWaitedMs: drain.waitedMs,
    };
    this.rec.result = result;
    this.rec.cleanedUp = true;
    await this.end('done');
    this.log.info('scenario_done', { verdict: result.verdict, reportLocation: result.reportLocation });
    return result;
  }

  // --- failure and abort --------------------------------------------------

  private async failRun(err: ScenarioRunError): Promise<never> {
    this.log.error('scenario_failed', { code: err.code, message: err.message, phase: this.rec.phase });
    this.rec.error = { code: err.code, message: err.message };
    await this.cleanUp(`failed: ${err.code}`, false);
    await this.end('failed', err.code);
    throw err;
  }

  private async abortRun(): Promise<never> {
    const phase = this.rec.phase;
    this.log.warn('scenario_aborting', { phase });
    this.rec.abortedAtMs ??= this.d.clock.nowMs();
    await this.save();
    await this.cleanUp('aborted', true);
    const err = new ScenarioRunError('aborted', `aborted on request (DELETE /scenarios/${this.id}) in phase ${phase}`);
    this.rec.error = { code: err.code, message: err.message };
    await this.end('aborted', 'aborted');
    throw err;
  }

  /** Each step is tried even if an earlier one failed; `cleanedUp` says whether all succeeded. */
  private async cleanUp(reason: string, drainFirst: boolean): Promise<void> {
    const failed: string[] = [];
    const step = async (name: string, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (err) {
        if (this.ctx.shutdown.aborted) throw new RunInterrupted('shutdown');
        failed.push(name);
        this.log.error('cleanup_step_failed', { step: name, err });
      }
    };
    await step('cancel-faults', async () => {
      const ids = this.rec.faultJobIds ?? [];
      const removed = ids.length > 0 ? await this.d.faults.cancelPending(ids) : 0;
      if (removed > 0) this.log.info('fault_jobs_cancelled', { removed });
    });
    if (this.wasStarted()) await step('stop', () => this.stop(reason));
    await step('heal-all', async () => {
      this.rec.healAllJobId = await this.d.faults.healAll(this.id, reason);
      await this.save();
      this.log.info('heal_all_enqueued', { jobId: this.rec.healAllJobId, reason });
    });
    if (this.wasStarted()) {
      if (drainFirst) await step('drain', () => this.drain(this.ctx.spec, this.ctx.shutdown));
      await step('announce-drained', () => this.announceDrained());
    }
    await step('release-workload', () => this.releaseWorkload(this.ctx.shutdown));
    this.rec.cleanedUp = failed.length === 0;
    await this.save();
  }

  // --- helpers ------------------------------------------------------------

  private alreadyFinished(): RunResult {
    if (this.rec.phase === 'done' && this.rec.result) return this.rec.result;
    const e = this.rec.error;
    throw new ScenarioRunError(e?.code === 'aborted' ? 'aborted' : 'internal', e?.message ?? `the run already ended (${this.rec.phase})`);
  }

  /** True while the record has not gone past `phase`: the step for `phase` still needs doing. */
  private at(phase: Phase): boolean {
    return phaseIndex(this.rec.phase) <= phaseIndex(phase);
  }

  private wasStarted(): boolean {
    return this.rec.published.started !== undefined || this.d.watch.get(this.id)?.started !== undefined;
  }

  private async enter(phase: Phase): Promise<void> {
    const changed = this.rec.phase !== phase;
    this.rec.phase = phase;
    this.rec.phaseTimes[phase] ??= this.d.clock.nowMs();
    await this.save();
    if (changed) {
      this.d.metrics?.phase(phase);
      this.log.info('scenario_phase', { phase });
      await this.reportProgress(true);
    }
  }

  private async end(phase: 'done' | 'failed' | 'aborted', code?: string): Promise<void> {
    await this.enter(phase);
    this.d.metrics?.outcome(phase, code);
  }

  private save(): Promise<void> {
    return this.ctx.save(structuredClone(this.rec));
  }

  private async reportProgress(force: boolean): Promise<void> {
    const now = this.d.clock.nowMs();
    const pct = progressOf(this.rec, now, this.ctx.spec?.drainTimeout ?? DEFAULT_DRAIN_TIMEOUT_MS);
    if (pct === this.lastProgress.pct || (!force && now - this.lastProgress.atMs < this.d.settings.progressEveryMs)) return;
    this.lastProgress = { pct, atMs: now };
    await this.ctx.progress(pct);
  }

  /** Polls `check` until it gives a value, or returns undefined at the deadline; throws the signal's reason when it aborts. */
  private async waitFor<T>(
    check: () => T | undefined | Promise<T | undefined>,
    deadlineMs: number,
    signal: AbortSignal,
  ): Promise<T | undefined> {
    const { clock, settings } = this.d;
    for (;;) {
      signal.throwIfAborted();
      const v = await check();
      if (v !== undefined) return v;
      const now = clock.nowMs();
      if (now >= deadlineMs) return undefined;
      await this.reportProgress(false);
      await clock.sleep(Math.max(1, Math.min(settings.pollMs, deadlineMs - now)), signal);
    }
  }
}

import { isOneShotKind, type FaultJob } from '@mirrorlab/protocol';
import type { Logger } from '@mirrorlab/service-kit';
import type { ActiveFault, ActiveFaultLedger } from './active-fault-ledger';
import { FaultRunnerError, errorMessage, isFaultRunnerError } from './errors';
import type { FaultBackend, HealResult } from './fault-backend';
import type { FaultEvents } from './fault-events';
import type { FaultMetrics } from './fault-metrics';
import { planFault, refOf, type FaultRef, type FaultRequest } from './fault-request';
import { targetText } from './fault-target';
import { KeyedMutex } from './keyed-mutex';
import type { SafetyHeals } from './safety-heals';

export interface FaultRunnerOptions {
  backend: FaultBackend;
  ledger: ActiveFaultLedger;
  events: FaultEvents;
  safetyHeals: SafetyHeals;
  metrics: Pick<FaultMetrics, 'active' | 'injected' | 'healed'>;
  logger: Logger;
  /** The runner's own heal comes this long after a fault's duration. */
  safetyHealMarginMs: number;
  nowMs?: () => number;
}

/** What a job did, as its BullMQ return value. */
export type JobOutcome =
  | { outcome: 'injected'; faultId: string; target: string; atMs: number }
  | { outcome: 'skipped'; faultId: string; reason: 'already_active' | 'already_finished' | 'scenario_closed' }
  | { outcome: 'healed'; faultId: string; verified: true; atMs: number }
  | { outcome: 'already_healed'; faultId: string; verified: boolean; detail: string }
  | { outcome: 'healed_all'; scenarioId: string; healed: string[] };

export interface StartupHeal {
  healed: string[];
  unverified: Array<{ faultId: string; detail: string }>;
  corrupt: Array<{ faultId: string; problem: string }>;
}

/**
 * Runs fault jobs against a backend. Every fault is recorded in the ledger before it is
 * injected and stays there until a heal is verified, so a fault is healed whatever
 * happens: when its duration ends (the provisioner's heal job, or this runner's safety
 * heal), on `heal-all` for its scenario, or at the next start of a runner after a crash.
 * A heal that does not verify is published as such (`verified: false`), logged as an
 * error and fails its job; the fault stays recorded for the next attempt.
 */
export class FaultRunner {
  private readonly mutex = new KeyedMutex();
  private readonly nowMs: () => number;

  constructor(private readonly opts: FaultRunnerOptions) {
    this.nowMs = opts.nowMs ?? Date.now;
  }

  handle(job: FaultJob): Promise<JobOutcome> {
    switch (job.action) {
      case 'inject':
        return this.mutex.run(job.faultId, () => this.inject(job));
      case 'heal':
        return this.mutex.run(job.faultId, () => this.heal(job));
      case 'heal-all':
        return this.healAll(job.scenarioId, job.reason);
    }
  }

  private log(fault: { scenarioId: string; faultId: string; kind: string }): Logger {
    return this.opts.logger.child({ scenarioId: fault.scenarioId, faultId: fault.faultId, kind: fault.kind });
  }

  private async plan(ref: FaultRef): Promise<FaultRequest> {
    return planFault(ref, await this.opts.backend.clusterSizes());
  }

  private async inject(ref: FaultRef): Promise<JobOutcome> {
    const { ledger, backend } = this.opts;
    const log = this.log(ref);
    if (await ledger.isClosed(ref.scenarioId)) {
      log.warn('fault_inject_skipped', { reason: 'scenario_closed', detail: 'heal-all already ran for this scenario' });
      return { outcome: 'skipped', faultId: ref.faultId, reason: 'scenario_closed' };
    }
    if (await ledger.isFinished(ref.faultId)) {
      log.warn('fault_inject_skipped', {
        reason: 'already_finished',
        detail: 'this fault was already healed (a repeated or late inject job)',
      });
      return { outcome: 'skipped', faultId: ref.faultId, reason: 'already_finished' };
    }
    if ((await ledger.get(ref.faultId))?.phase === 'active') {
      log.info('fault_inject_skipped', { reason: 'already_active' });
      return { outcome: 'skipped', faultId: ref.faultId, reason: 'already_active' };
    }
    const request = await this.plan(ref);
    const target = targetText(request.target);
    const entry: ActiveFault = {
      v: 1,
      ...refOf(request),
      ...(ref.target !== undefined ? { requestedTarget: ref.target } : {}),
      target,
      phase: 'injecting',
      recordedAtMs: this.nowMs(),
      injectedAtMs: null,
      effect: {},
    };
    await ledger.record(entry);
    if (await ledger.isClosed(ref.scenarioId)) {
      // heal-all ran between the check above and the record: it did not see this fault.
      await ledger.remove(ref.faultId);
      log.warn('fault_inject_skipped', { reason: 'scenario_closed', detail: 'heal-all ran while this inject started' });
      return { outcome: 'skipped', faultId: ref.faultId, reason: 'scenario_closed' };
    }
    if (request.durationMs !== undefined)
      await this.opts.safetyHeals.schedule(refOf(request), request.durationMs + this.opts.safetyHealMarginMs);
    log.info('fault_injecting', { target, requestedTarget: ref.target, params: ref.params, durationMs: ref.durationMs });

    const started = this.nowMs();
    let injection;
    try {
      injection = await backend.inject(request);
    } catch (error) {
      log.error('fault_inject_failed', { err: error, target });
      await this.rollBack(request, entry, log);
      throw error;
    }
    log.info('fault_injected', {
      target,
      atMs: injection.atMs,
      tookMs: this.nowMs() - started,
      detail: injection.detail,
      effect: injection.effect,
    });
    // Recorded active before it is announced: a runner killed right after announcing leaves an
    // `active` entry, so the next runner publishes its heal. (Killed between the two, the heal is
    // published without an injection; the report leaves such a fault out with a warning.)
    const active: ActiveFault = { ...entry, phase: 'active', injectedAtMs: injection.atMs, effect: injection.effect };
    await ledger.record(active);
    try {
      await this.opts.events.injected(request, injection);
    } catch (error) {
      // A fault nobody was told about would leave anomalies without a fault window: undo it.
      log.error('fault_unannounced_rolled_back', { err: error, target });
      await this.rollBack(request, active, log);
      throw error;
    }
    this.opts.metrics.active.set({ scenario: request.scenarioId, kind: request.kind, target }, 1);
    this.opts.metrics.injected.inc({ kind: request.kind });
    if (isOneShotKind(request.kind) && request.durationMs === undefined) {
      // Nothing to undo and no heal will come: the fault is over once announced.
      await ledger.remove(request.faultId);
      await ledger.markFinished(request.faultId);
      this.opts.metrics.active.set({ scenario: request.scenarioId, kind: request.kind, target }, 0);
    }
    return { outcome: 'injected', faultId: request.faultId, target, atMs: injection.atMs };
  }

  /** Undoes a failed injection (it may have half happened); nothing was announced, so nothing is published. */
  private async rollBack(request: FaultRequest, entry: ActiveFault, log: Logger): Promise<void> {
    const result = await this.backendHeal(request, entry);
    if (result.verified) {
      await this.opts.ledger.remove(request.faultId);
      log.info('fault_rolled_back', { detail: result.detail });
    } else {
      await this.opts.ledger.record({ ...entry, lastHeal: { atMs: result.atMs, verified: false, detail: result.detail } });
      log.error('fault_rollback_unverified', { detail: result.detail });
    }
  }

  private async backendHeal(request: FaultRequest, entry: ActiveFault | undefined): Promise<HealResult> {
    const others = await this.othersThan(request.faultId);
    try {
      return await this.opts.backend.heal(request, { effect: entry?.effect, others });
    } catch (error) {
      return { verified: false, detail: `the heal failed: ${errorMessage(error)}`, atMs: this.nowMs() };
    }
  }

  private async othersThan(faultId: string): Promise<FaultRequest[]> {
    const { faults } = await this.opts.ledger.list();
    const sizes = await this.opts.backend.clusterSizes();
    return faults.filter((f) => f.faultId !== faultId).map((f) => planFault(f, sizes));
  }

  private async heal(ref: FaultRef): Promise<JobOutcome> {
    const entry = await this.opts.ledger.get(ref.faultId);
    if (entry === undefined) return this.verifyAlreadyHealed(ref);
    return this.healRecorded(entry);
  }

  /**
   * A heal for a fault that is not active: healed before, never injected, or not yet
   * injected (then its late inject is skipped). Only verifies; publishes nothing, since
   * the verified heal (if any) was published when it happened.
   */
  private async verifyAlreadyHealed(ref: FaultRef): Promise<JobOutcome> {
    const log = this.log(ref);
    await this.opts.ledger.markFinished(ref.faultId);
    const request = await this.plan(ref);
    const verification = await this.opts.backend
      .verifyHealed(request, { others: await this.othersThan(ref.faultId) })
      .catch((error: unknown) => ({ ok: false, detail: `verification failed: ${errorMessage(error)}` }));
    if (verification.ok) log.info('fault_heal_noop', { detail: verification.detail });
    else log.error('fault_heal_noop_unverified', { detail: verification.detail });
    return { outcome: 'already_healed', faultId: ref.faultId, verified: verification.ok, detail: verification.detail };
  }

  private async healRecorded(entry: ActiveFault): Promise<JobOutcome> {
    const log = this.log(entry);
    const request = await this.plan(entry);
    const target = targetText(request.target);
    const started = this.nowMs();
    log.info('fault_healing', { target, phase: entry.phase });
    const result = await this.backendHeal(request, entry);
    const announced = entry.phase === 'active';
    this.opts.metrics.healed.inc({ kind: request.kind, verified: String(result.verified) });
    if (result.verified) {
      log.info('fault_healed', { target, atMs: result.atMs, tookMs: this.nowMs() - started, detail: result.detail });
      if (announced) await this.opts.events.healed(request, result, started);
      await this.opts.ledger.remove(request.faultId);
      await this.opts.ledger.markFinished(request.faultId);
      this.opts.metrics.active.set({ scenario: request.scenarioId, kind: request.kind, target }, 0);
      return { outcome: 'healed', faultId: request.faultId, verified: true, atMs: result.atMs };
    }
    log.error('fault_heal_unverified', { target, tookMs: this.nowMs() - started, detail: result.detail });
    await this.opts.ledger.record({ ...entry, lastHeal: { atMs: result.atMs, verified: false, detail: result.detail } });
    if (announced) await this.opts.events.healed(request, result, started);
    throw new FaultRunnerError(
      'heal_unverified',
      `the heal of ${request.faultId} (${request.kind} on ${target}) was not verified: ${result.detail}`,
    );
  }

  /** Heals every active fault of the scenario (newest first) and closes it to later injects. */
  private async healAll(scenarioId: string, reason: string): Promise<JobOutcome> {
    await this.opts.ledger.closeScenario(scenarioId);
    const { faults } = await this.opts.ledger.list();
    const mine = faults.filter((f) => f.scenarioId === scenarioId);
    this.opts.logger.info('faults_heal_all', { scenarioId, reason, active: mine.map((f) => f.faultId) });
    const { healed, unverified } = await this.healEach(mine);
    if (unverified.length > 0) {
      throw new FaultRunnerError(
        'heal_unverified',
        `heal-all of ${scenarioId}: ${unverified.map((u) => `${u.faultId}: ${u.detail}`).join('; ')}`,
      );
    }
    return { outcome: 'healed_all', scenarioId, healed };
  }

  private async healEach(
    faults: readonly ActiveFault[],
  ): Promise<{ healed: string[]; unverified: Array<{ faultId: string; detail: string }> }> {
    const healed: string[] = [];
    const unverified: Array<{ faultId: string; detail: string }> = [];
    const newestFirst = [...faults].sort(
      (a, b) => b.recordedAtMs - a.recordedAtMs || (a.faultId < b.faultId ? 1 : a.faultId > b.faultId ? -1 : 0),
    );
    for (const fault of newestFirst) {
      try {
        await this.mutex.run(fault.faultId, async () => {
          // Re-read under the lock: a heal job may have healed it meanwhile.
          const current = await this.opts.ledger.get(fault.faultId);
          if (current !== undefined) await this.healRecorded(current);
        });
        healed.push(fault.faultId);
      } catch (error) {
        unverified.push({ faultId: fault.faultId, detail: isFaultRunnerError(error) ? error.message : errorMessage(error) });
      }
    }
    return { healed, unverified };
  }

  /**
   * At start-up, before taking jobs: heals every fault a previous runner recorded (it
   * died or was stopped while they were active). Never throws: what does not verify
   * stays recorded, is reported, and is tried again by its heal jobs.
   */
  async healLeftovers(): Promise<StartupHeal> {
    const { faults, corrupt } = await this.opts.ledger.list();
    for (const c of corrupt) this.opts.logger.error('fault_ledger_entry_corrupt', { faultId: c.faultId, problem: c.problem });
    if (faults.length === 0) return { healed: [], unverified: [], corrupt };
    this.opts.logger.info('faults_healing_leftovers', {
      faults: faults.map((f) => ({ faultId: f.faultId, kind: f.kind, target: f.target, phase: f.phase })),
    });
    for (const f of faults) this.opts.metrics.active.set({ scenario: f.scenarioId, kind: f.kind, target: f.target }, 1);
    return { ...(await this.healEach(faults)), corrupt };
  }
}

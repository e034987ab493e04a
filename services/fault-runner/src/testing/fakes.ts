import { createLogger, type Logger } from '@mirrorlab/service-kit';
import type { ActiveFault, ActiveFaultLedger, CorruptEntry } from '../active-fault-ledger';
import type { FaultBackend, HealContext, HealResult, Injection, Verification } from '../fault-backend';
import type { FaultEvents } from '../fault-events';
import type { FaultRef, FaultRequest } from '../fault-request';
import { targetText, type ClusterSizes } from '../fault-target';
import type { SafetyHeals } from '../safety-heals';

/** The ledger in memory, with the Redis ledger's semantics. */
export class InMemoryLedger implements ActiveFaultLedger {
  readonly active = new Map<string, ActiveFault>();
  readonly finished = new Set<string>();
  readonly closed = new Set<string>();
  corrupt: CorruptEntry[] = [];

  async record(fault: ActiveFault) {
    this.active.set(fault.faultId, structuredClone(fault));
  }
  async get(faultId: string) {
    const f = this.active.get(faultId);
    return f === undefined ? undefined : structuredClone(f);
  }
  async list() {
    return {
      faults: [...this.active.values()].map((f) => structuredClone(f)).sort((a, b) => a.recordedAtMs - b.recordedAtMs),
      corrupt: this.corrupt,
    };
  }
  async remove(faultId: string) {
    this.active.delete(faultId);
  }
  async markFinished(faultId: string) {
    this.finished.add(faultId);
  }
  async isFinished(faultId: string) {
    return this.finished.has(faultId);
  }
  async closeScenario(scenarioId: string) {
    this.closed.add(scenarioId);
  }
  async isClosed(scenarioId: string) {
    return this.closed.has(scenarioId);
  }
}

/**
 * A backend over a pretend world: a set of applied effects keyed by resolved target.
 * Injecting adds the fault's effect, healing removes it; `failHealOf` makes heals of a
 * target leave their effect behind (a failed verification).
 */
export class FakeBackend implements FaultBackend {
  readonly name = 'fake';
  readonly applied = new Map<string, string>();
  readonly calls: string[] = [];
  failHealOf = new Set<string>();
  failInjectOf = new Set<string>();
  /** Called inside inject, before the effect is applied (to observe the ledger at that moment). */
  onInject: ((fault: FaultRequest) => void | Promise<void>) | undefined;
  private clock = 1_000_000;

  constructor(private readonly sizes: ClusterSizes = { source: 3, target: 3 }) {}

  tick(): number {
    return (this.clock += 1000);
  }
  async clusterSizes() {
    return this.sizes;
  }
  async inject(fault: FaultRequest): Promise<Injection> {
    const target = targetText(fault.target);
    this.calls.push(`inject ${fault.faultId} ${fault.kind} ${target}`);
    await this.onInject?.(fault);
    if (this.failInjectOf.has(target)) {
      this.applied.set(target, `${fault.kind} (half applied)`);
      throw new Error(`cannot ${fault.kind} ${target}`);
    }
    this.applied.set(target, fault.kind);
    return { atMs: this.tick(), detail: `${fault.kind} on ${target}`, effect: { target } };
  }
  async verifyInjected(fault: FaultRequest): Promise<Verification> {
    const target = targetText(fault.target);
    return { ok: this.applied.get(target) === fault.kind, detail: `${target}: ${this.applied.get(target) ?? 'clean'}` };
  }
  async heal(fault: FaultRequest, ctx: HealContext): Promise<HealResult> {
    const target = targetText(fault.target);
    this.calls.push(`heal ${fault.faultId} ${fault.kind} ${target} others=${ctx.others.map((o) => o.faultId).join(',')}`);
    if (!this.failHealOf.has(target)) this.applied.delete(target);
    const v = await this.verifyHealed(fault);
    return { verified: v.ok, detail: v.detail, atMs: this.tick() };
  }
  async verifyHealed(fault: FaultRequest): Promise<Verification> {
    const target = targetText(fault.target);
    const left = this.applied.get(target);
    return left === undefined ? { ok: true, detail: `${target} clean` } : { ok: false, detail: `${target} still has ${left}` };
  }
  async close() {}
}

export interface RecordedEvent {
  type: 'fault.injected' | 'fault.healed';
  faultId: string;
  scenarioId: string;
  atMs: number;
  target?: string;
  verified?: boolean;
  detail?: string;
  healStartedAtMs?: number;
}

export class RecordingEvents implements FaultEvents {
  readonly events: RecordedEvent[] = [];
  async injected(fault: FaultRequest, injection: Injection) {
    this.events.push({
      type: 'fault.injected',
      faultId: fault.faultId,
      scenarioId: fault.scenarioId,
      atMs: injection.atMs,
      target: targetText(fault.target),
    });
  }
  async healed(fault: FaultRequest, result: HealResult, healStartedAtMs?: number) {
    this.events.push({
      type: 'fault.healed',
      faultId: fault.faultId,
      scenarioId: fault.scenarioId,
      atMs: result.atMs,
      verified: result.verified,
      detail: result.detail,
      ...(healStartedAtMs !== undefined ? { healStartedAtMs } : {}),
    });
  }
}

export class RecordingSafetyHeals implements SafetyHeals {
  readonly scheduled: Array<{ fault: FaultRef; delayMs: number }> = [];
  async schedule(fault: FaultRef, delayMs: number) {
    this.scheduled.push({ fault, delayMs });
  }
}

/** A logger that keeps its lines as objects. */
export function memoryLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return {
    logger: createLogger({ service: 'fault-runner', instance: 'test', level: 'debug', write: (l) => lines.push(JSON.parse(l)) }),
    lines,
  };
}

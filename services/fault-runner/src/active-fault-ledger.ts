import type { Redis } from 'ioredis';
import { z } from 'zod';
import { FAULT_KINDS } from '@mirrorlab/protocol';
import type { FaultEffect } from './fault-backend';
import type { FaultRef } from './fault-request';

/**
 * A fault the runner has started to inject and not yet healed with a verified heal.
 * Written BEFORE the backend is called, so a runner that dies mid-injection still heals
 * it on its next start.
 */
export interface ActiveFault extends FaultRef {
  v: 1;
  /** The target as resolved (`source:3` for `source:random`): re-planning uses it, never re-rolls. */
  target: string;
  requestedTarget?: string;
  /** `injecting`: recorded, backend called, nothing announced; `active`: effect observed, `fault.injected` published or being published (its heal is announced). */
  phase: 'injecting' | 'active';
  recordedAtMs: number;
  injectedAtMs: number | null;
  effect: FaultEffect;
  /** The last heal that did not verify, if any. */
  lastHeal?: { atMs: number; verified: boolean; detail: string };
}

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const activeFaultSchema = z.object({
  v: z.literal(1),
  scenarioId: z.string().min(1),
  faultId: z.string().min(1),
  kind: z.enum(FAULT_KINDS),
  target: z.string().min(1),
  requestedTarget: z.string().optional(),
  params: z.record(z.string(), scalar),
  durationMs: z.number().int().nonnegative().optional(),
  phase: z.enum(['injecting', 'active']),
  recordedAtMs: z.number().int().nonnegative(),
  injectedAtMs: z.number().int().nonnegative().nullable(),
  effect: z.record(z.string(), z.union([scalar, z.null()])),
  lastHeal: z.object({ atMs: z.number(), verified: z.boolean(), detail: z.string() }).optional(),
}) satisfies z.ZodType<ActiveFault>;

export interface CorruptEntry {
  faultId: string;
  problem: string;
}

/**
 * Where active faults are recorded between injection and verified heal, plus two
 * tombstones: faults already healed (a late or repeated inject of one is skipped) and
 * scenarios closed by `heal-all` (their later injects are skipped).
 */
export interface ActiveFaultLedger {
  record(fault: ActiveFault): Promise<void>;
  get(faultId: string): Promise<ActiveFault | undefined>;
  list(): Promise<{ faults: ActiveFault[]; corrupt: CorruptEntry[] }>;
  remove(faultId: string): Promise<void>;
  markFinished(faultId: string): Promise<void>;
  isFinished(faultId: string): Promise<boolean>;
  closeScenario(scenarioId: string): Promise<void>;
  isClosed(scenarioId: string): Promise<boolean>;
}

export function parseActiveFault(faultId: string, json: string): { fault: ActiveFault } | { problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { problem: 'not JSON' };
  }
  const parsed = activeFaultSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problem: `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}` };
  }
  if (parsed.data.faultId !== faultId) return { problem: `recorded under ${faultId} but names ${parsed.data.faultId}` };
  return { fault: parsed.data };
}

/** Tombstones outlive any scenario by far; they only stop stray late jobs. */
const TOMBSTONE_SECONDS = 7 * 24 * 3600;

/**
 * The ledger in Redis: hash `<prefix>:active` (faultId -> ActiveFault JSON) and
 * expiring keys `<prefix>:finished:<faultId>` and `<prefix>:closed:<scenarioId>`.
 */
export class RedisActiveFaultLedger implements ActiveFaultLedger {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'mirrorlab:fault-runner',
  ) {}

  private get activeKey(): string {
    return `${this.prefix}:active`;
  }

  async record(fault: ActiveFault): Promise<void> {
    await this.redis.hset(this.activeKey, fault.faultId, JSON.stringify(fault));
  }

  async get(faultId: string): Promise<ActiveFault | undefined> {
    const json = await this.redis.hget(this.activeKey, faultId);
    if (json === null) return undefined;
    const parsed = parseActiveFault(faultId, json);
    if ('problem' in parsed)
      throw new Error(
        `the ledger entry of fault ${faultId} is corrupt (${parsed.problem}); remove it with: HDEL ${this.activeKey} ${faultId}`,
      );
    return parsed.fault;
  }

  async list(): Promise<{ faults: ActiveFault[]; corrupt: CorruptEntry[] }> {
    const all = await this.redis.hgetall(this.activeKey);
    const faults: ActiveFault[] = [];
    const corrupt: CorruptEntry[] = [];
    for (const [faultId, json] of Object.entries(all)) {
      const parsed = parseActiveFault(faultId, json);
      if ('fault' in parsed) faults.push(parsed.fault);
      else corrupt.push({ faultId, problem: parsed.problem });
    }
    return { faults: faults.sort((a, b) => a.recordedAtMs - b.recordedAtMs), corrupt };
  }

  async remove(faultId: string): Promise<void> {
    await this.redis.hdel(this.activeKey, faultId);
  }

  async markFinished(faultId: string): Promise<void> {
    await this.redis.set(`${this.prefix}:finished:${faultId}`, String(Date.now()), 'EX', TOMBSTONE_SECONDS);
  }

  async isFinished(faultId: string): Promise<boolean> {
    return (await this.redis.exists(`${this.prefix}:finished:${faultId}`)) === 1;
  }

  async closeScenario(scenarioId: string): Promise<void> {
    await this.redis.set(`${this.prefix}:closed:${scenarioId}`, String(Date.now()), 'EX', TOMBSTONE_SECONDS);
  }

  async isClosed(scenarioId: string): Promise<boolean> {
    return (await this.redis.exists(`${this.prefix}:closed:${scenarioId}`)) === 1;
  }
}

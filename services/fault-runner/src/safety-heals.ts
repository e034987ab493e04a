import type { Queue } from 'bullmq';
import { faultJobId, type FaultJobInput } from '@mirrorlab/protocol';
import type { FaultRef } from './fault-request';

/** The runner's own heal of a fault with a duration, in case the scheduled heal never comes. */
export interface SafetyHeals {
  schedule(fault: FaultRef, delayMs: number): Promise<void>;
}

export const safetyHealJobId = (faultId: string) => `${faultJobId(faultId, 'heal')}__safety`;

const KEEP = { age: 7 * 24 * 3600 };

/**
 * A delayed `heal` job on the faults queue itself: it survives the runner's restarts,
 * and it is idempotent (a healed fault only gets verified). Retried twice, so a heal
 * that did not verify is tried again.
 */
export function bullmqSafetyHeals(queue: Queue): SafetyHeals {
  return {
    async schedule(fault, delayMs) {
      const data: FaultJobInput = { action: 'heal', ...fault };
      await queue.add('heal', data, {
        jobId: safetyHealJobId(fault.faultId),
        delay: Math.max(0, delayMs),
        attempts: 3,
        backoff: { type: 'fixed', delay: 30_000 },
        removeOnComplete: KEEP,
        removeOnFail: KEEP,
      });
    },
  };
}

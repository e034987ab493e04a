import type { ControlEventInput } from '@mirrorlab/control';
import { FaultRunnerError, errorMessage } from './errors';
import type { HealResult, Injection } from './fault-backend';
import type { FaultRequest } from './fault-request';
import { targetText } from './fault-target';

/** What the runner announces on the control topic. */
export interface FaultEvents {
  injected(fault: FaultRequest, injection: Injection): Promise<void>;
  /** `healStartedAtMs`: when the runner began undoing the fault (the result's atMs is when it was verified). */
  healed(fault: FaultRequest, result: HealResult, healStartedAtMs?: number): Promise<void>;
}

export interface ControlPublisher {
  publish(event: ControlEventInput): Promise<void>;
}

function bounded<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * `fault.injected` / `fault.healed` on the control topic, stamped with the moment the
 * fault took effect / the heal was verified (not the moment of publishing). The heal also
 * says when it started and, when verified, when the component was back: a killed broker
 * may take half a minute to serve again after its restart began. A publish is
 * retried, since the control topic's cluster may itself be the one under fault.
 */
export function controlTopicFaultEvents(
  control: ControlPublisher,
  source: string,
  opts: { attempts?: number; timeoutMs?: number; backoffMs?: number } = {},
): FaultEvents {
  const attempts = opts.attempts ?? 5;
  const publish = async (event: ControlEventInput): Promise<void> => {
    let last: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await bounded(control.publish(event), opts.timeoutMs ?? 30_000);
        return;
      } catch (error) {
        last = error;
        if (attempt < attempts) await new Promise((r) => setTimeout(r, (opts.backoffMs ?? 1000) * attempt));
      }
    }
    throw new FaultRunnerError(
      'publish_failed',
      `could not publish ${event.type} for ${'faultId' in event ? event.faultId : event.scenarioId} after ${attempts} attempts: ${errorMessage(last)}`,
      { cause: last },
    );
  };
  return {
    injected: (fault, injection) =>
      publish({
        v: 1,
        type: 'fault.injected',
        scenarioId: fault.scenarioId,
        atMs: injection.atMs,
        source,
        faultId: fault.faultId,
        kind: fault.kind,
        target: targetText(fault.target),
        params: fault.rawParams,
        durationMs: fault.durationMs ?? null,
      }),
    healed: (fault, result, healStartedAtMs) =>
      publish({
        v: 1,
        type: 'fault.healed',
        scenarioId: fault.scenarioId,
        atMs: result.atMs,
        source,
        faultId: fault.faultId,
        kind: fault.kind,
        verified: result.verified,
        detail: result.detail,
        ...(healStartedAtMs !== undefined ? { healStartedAtMs: Math.min(healStartedAtMs, result.atMs) } : {}),
        ...(result.verified ? { backAtMs: result.atMs } : {}),
      }),
  };
}

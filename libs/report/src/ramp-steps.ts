import type { CapacityStep } from './capacity';
import type { ProducerTrack } from '@mirrorlab/control';

export interface RampLevels {
  from: number;
  to: number;
  step: number;
}

/**
 * The steps of a ramp as the producers actually ran them, from their per-second `rates`.
 *
 * Why from `rates` rather than from the spec's `every`: each producer starts its ramp at its own
 * start (not at the scenario's `startAtMs`, nor at the end of the warm-up), and producers start a
 * little apart; computing step boundaries from the spec would mislabel the seconds near each
 * boundary. The requested records of a second, summed over producers, say which step it was in.
 * A second that straddles a boundary (or where the producers were a second apart) asks for a value
 * between two levels: it goes to the nearest level, and judgeCapacity's settle second drops it.
 *
 * Only whole seconds inside [startAtMs, endAtMs) (the measured part of the run) count, as in the
 * delivery rule. Steps are in time order; a level met again later (it never is, a ramp only rises)
 * would start a new step.
 */
export function rampStepsFromRates(
  producers: readonly ProducerTrack[],
  ramp: RampLevels,
  startAtMs: number | undefined,
  endAtMs: number | undefined,
): CapacityStep[] {
  const perSecond = new Map<number, { requested: number; achieved: number }>();
  for (const p of producers) {
    for (const [startMs, r] of p.rates) {
      if (startAtMs !== undefined && startMs < startAtMs) continue;
      if (endAtMs !== undefined && startMs + 1000 > endAtMs) continue;
      const s = perSecond.get(startMs) ?? { requested: 0, achieved: 0 };
      s.requested += r.requestedRecords;
      s.achieved += r.achievedRecords;
      perSecond.set(startMs, s);
    }
  }
  const steps: Array<CapacityStep & { seconds: number; achievedSum: number }> = [];
  for (const t of [...perSecond.keys()].sort((a, b) => a - b)) {
    const s = perSecond.get(t)!;
    if (s.requested <= 0) continue;
    const level = nearestLevel(ramp, s.requested);
    const last = steps.at(-1);
    if (last !== undefined && last.offered === level) {
      last.toMs = t + 1000;
      last.seconds++;
      last.achievedSum += s.achieved;
    } else {
      steps.push({ fromMs: t, toMs: t + 1000, offered: level, achieved: 0, seconds: 1, achievedSum: s.achieved });
    }
  }
  // Achieved: the mean over the step's seconds after the first (the settle second judgeCapacity also drops),
  // so a boundary second does not pull a step down; a one-second step keeps its only second.
  return steps.map(({ seconds, achievedSum, ...s }) => {
    const first = perSecond.get(s.fromMs)!.achieved;
    return { ...s, achieved: seconds > 1 ? (achievedSum - first) / (seconds - 1) : achievedSum };
  });
}

function nearestLevel(r: RampLevels, requested: number): number {
  if (r.step <= 0 || r.to <= r.from) return r.from;
  const k = Math.round((requested - r.from) / r.step);
  return Math.min(r.to, Math.max(r.from, r.from + k * r.step));
}

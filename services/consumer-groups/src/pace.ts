/**
 * When the `index`-th record (from 0) of a group paced at `rate` records/s may be processed:
 * `startMs + index / rate`. No rate: at once. A group that fell behind its pace (a stall) does
 * not burst to catch up beyond its rate: callers restart the schedule after a stall
 * (`restartIfBehind`).
 */
export function dueAtMs(startMs: number, index: number, rate: number | undefined): number {
  return rate === undefined ? startMs : startMs + (index * 1000) / rate;
}

/** A pace schedule: start time and records counted from it. */
export interface PaceSchedule {
  startMs: number;
  index: number;
}

/** Restarts the schedule at `nowMs` when the next record is more than `slackMs` overdue (a poll stall), so the group never exceeds its rate to catch up. */
export function restartIfBehind(s: PaceSchedule, nowMs: number, rate: number | undefined, slackMs = 1000): PaceSchedule {
  if (rate === undefined || nowMs - dueAtMs(s.startMs, s.index, rate) <= slackMs) return s;
  return { startMs: nowMs, index: 0 };
}

import { CheckerError, LatencyHistograms, latestPartitions, type ValidatorState } from '@mirrorlab/validation';
import type { ScenarioView } from '@mirrorlab/control';

export interface CombinedValidators {
  /** Per partition, the most advanced published state (`latestPartitions`): exact, whatever the report order. */
  state: ValidatorState | undefined;
  endToEnd: LatencyHistograms | undefined;
  replication: LatencyHistograms | undefined;
  /** Arrival minus each record's scheduled send time (coordinated omission shows here). */
  fromSchedule: LatencyHistograms | undefined;
  errors: string[];
  warnings: string[];
}

/**
 * Combines what validators published into one checker state and one set of
 * histograms. The inputs are the reports that count (`ValidatorReports`: the
 * latest of each validator incarnation, oldest first, ties by validator id), so
 * the result does not depend on how the reports interleaved on the topic.
 *
 * - State: the view's combined state (`ScenarioView.combined`, the one the
 *   services read): per partition the most advanced state wins; two states that
 *   do not extend each other are merged as a union, with a warning naming the
 *   partition.
 * - Latency: histograms are added: each validator records the first reads of
 *   what it read, so their sum is every record once, exact per 1 s window.
 *   Replication and from-schedule latency only when every report has them (a
 *   partial sum would be biased toward some partitions).
 *
 * A report that does not decode is named in `errors`: a verdict built without
 * it could be wrong.
 */
export function combineValidators(events: ScenarioView): CombinedValidators {
  // The one rule (ValidatorReports): the latest report of each incarnation, oldest first.
  const reports = events.validatorReports.counted();
  const errors: string[] = [];
  const warnings: string[] = [];
  if (reports.length === 0)
    return { state: undefined, endToEnd: undefined, replication: undefined, fromSchedule: undefined, errors, warnings };

  let endToEnd: LatencyHistograms | undefined;
  const replication: LatencyHistograms[] = [];
  const fromSchedule: LatencyHistograms[] = [];
  let decoded = 0;
  for (const report of reports) {
    const who = `validator ${report.validatorId}'s report at ${new Date(report.atMs).toISOString()}`;
    const latency = (report.latency ?? {}) as { endToEnd?: unknown; replication?: unknown; fromSchedule?: unknown };
    try {
      const h = LatencyHistograms.fromSnapshot(latency.endToEnd);
      if (endToEnd === undefined) endToEnd = h;
      else endToEnd.mergeFrom(h);
      if (latency.replication !== undefined) replication.push(LatencyHistograms.fromSnapshot(latency.replication));
      if (latency.fromSchedule !== undefined) fromSchedule.push(LatencyHistograms.fromSnapshot(latency.fromSchedule));
      decoded++;
    } catch (err) {
      errors.push(`${who} has unreadable latency histograms: ${describe(err)}`);
    }
  }
  // The state is the view's: one combined state for the report and every service.
  let state: ValidatorState | undefined;
  try {
    const combined = events.combined();
    state = combined.state;
    warnings.push(...combined.conflicts);
  } catch (err) {
    // Name the culprit: check each state on its own.
    for (const report of reports) {
      try {
        latestPartitions([report.state]);
      } catch (e) {
        errors.push(
          `validator ${report.validatorId}'s report at ${new Date(report.atMs).toISOString()} has an invalid checker state: ${describe(e)}`,
        );
      }
    }
    if (errors.length === 0) errors.push(`the validators' checker states cannot be combined: ${describe(err)}`);
  }

  const replicationMerged = mergeIfAll(
    replication,
    decoded,
    'replication latency',
    'their target topics do not all use LogAppendTime',
    warnings,
  );
  const fromScheduleMerged = mergeIfAll(fromSchedule, decoded, 'latency from the schedule', 'some validators predate it', warnings);
  return { state, endToEnd, replication: replicationMerged, fromSchedule: fromScheduleMerged, errors, warnings };
}

/** The sum of histograms that every report carried; none (with a warning) when only some did. */
function mergeIfAll(
  histograms: LatencyHistograms[],
  reports: number,
  what: string,
  whyPartial: string,
  warnings: string[],
): LatencyHistograms | undefined {
  if (histograms.length === 0) return undefined;
  if (histograms.length !== reports) {
    warnings.push(`${what} left out: only some validators measured it (${whyPartial})`);
    return undefined;
  }
  try {
    return histograms.reduce((a, b) => LatencyHistograms.merge(a, b));
  } catch (err) {
    warnings.push(`${what} left out: ${describe(err)}`);
    return undefined;
  }
}

function describe(err: unknown): string {
  if (err instanceof CheckerError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

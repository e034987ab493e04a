import { CheckerError, type Accounting, type LatencyHistograms, type ProducerReport } from '@mirrorlab/validation';
import { anomalyRows, stallRow } from './anomaly-table';
import { findStalls, STALL_THRESHOLD_MS } from './stalls';
import { pickupTimes } from './pickup';
import { clockSkewReport, clockSkewWarning } from './clock-skew';
import { consumerFailoverReport } from './consumer-failover';
import { checkExpectations, decideVerdict } from './expectations';
import { faultWindows, withRecovery } from './fault-windows';
import { RECOVERY_RULE } from './recovery';
import { deliveryEndFor, reportCapacity } from './report-capacity';
import { REPORT_SCHEMA_VERSION, type FaultReport, type LatencySummary, type ScenarioReport } from './report-schema';
import type { ScenarioView } from '@mirrorlab/control';
import { SendTimeline } from './send-timeline';
import { readSpec } from './spec-view';
import { judgeDelivery } from './tester-delivery';
import { lostSplitReport } from './lost-split-report';
import { sourceConsumerReport } from './source-consumer-report';
import { replicatorLagOf } from './replicator-lag-inputs';
import { lagSeries, secondSeries } from './time-series';
import { combineValidators } from './validator-inputs';
import { readUncommittedReport } from './read-uncommitted-report';

/**
 * The report of one scenario, from its control events alone. Pure and
 * deterministic: no clock, no I/O, no dependence on how validators' reports
 * interleaved; the same events give a deep-equal report (and `renderJson` gives
 * byte-identical JSON). Never throws on bad input: what cannot be judged makes
 * the verdict `error`, with the reason.
 */
export function buildReport(events: ScenarioView): ScenarioReport {
  const started = events.started;
  const spec = readSpec(started?.spec);
  const errors: string[] = [];
  const warnings: string[] = [];
  if (started === undefined) errors.push('no scenario.started event: the scenario spec and its time range are unknown');

  const producers = [...events.producers.values()].sort((a, b) => cmp(a.producerId, b.producerId));
  const validatorIds = [...events.validators.keys()].sort(cmp);
  if (producers.length === 0) errors.push('no producer reports: nothing tells what the source cluster acknowledged');
  if (validatorIds.length === 0) errors.push('no validator reports: nothing was checked on the target cluster');

  const combined = combineValidators(events);
  errors.push(...combined.errors);
  warnings.push(...combined.warnings);

  const producerReports: ProducerReport[] = producers.flatMap((p) =>
    p.keys === undefined ? [] : [{ producerId: p.producerId, scenarioId: events.scenarioId, keys: p.keys }],
  );
  if (producers.length > 0 && producerReports.length === 0)
    errors.push('no producer reported its per-key acknowledged ranges: nothing to reconcile against');
  for (const p of producers)
    if (!p.final) warnings.push(`producer ${p.producerId} sent no final report: its latest progress report was used`);

  let acc: Accounting | undefined;
  if (combined.state !== undefined && producerReports.length > 0 && combined.errors.length === 0) {
    try {
      // The view's accounting, final: the report is built at the cut, and a record no producer reported by then is unexpected.
      acc = events.accounting({ phase: 'final', source: true });
    } catch (err) {
      errors.push(`the producers' reports cannot be reconciled: ${err instanceof CheckerError ? err.message : String(err)}`);
    }
  }

  // The measured part of the run: after the warm-up (when there was one); every baseline lives here.
  const measuring = events.measuring;
  const run = { startAtMs: measuring?.measuringAtMs ?? started?.startAtMs, endAtMs: measuring?.endAtMs ?? started?.endAtMs };
  const warmup = warmupOf(started, measuring);
  if (warmup && !warmup.steady) warnings.push(`warm-up: ${warmup.detail}`);
  const { series, outOfRange } = secondSeries({
    producers,
    latency: combined.endToEnd,
    startAtMs: started?.startAtMs ?? run.startAtMs,
    endAtMs: run.endAtMs,
  });
  if (outOfRange > 0)
    warnings.push(
      `${outOfRange} per-second window${outOfRange === 1 ? '' : 's'} far outside the scenario's time range (clock trouble?) left out of the series`,
    );
  const windows = faultWindows(events, spec);
  warnings.push(...windows.warnings);
  const faults = withRecovery(windows.faults, series, run);
  const anomalies = acc === undefined ? [] : anomalyRows(acc, { timeline: new SendTimeline(producers, spec), faults });
  const replicatorLag = replicatorLagOf(events);
  const stalls = findStalls(replicatorLag, events.partitionAcks, STALL_THRESHOLD_MS);
  const stalled = stallRow(stalls, faults, STALL_THRESHOLD_MS);
  const pickup = pickupTimes(faults, events.partitionAcks, replicatorLag);
  if (stalled) anomalies.push(stalled);
  countAttributions(faults, anomalies);

  const endToEnd = summary(combined.endToEnd);
  const clockSkew = clockSkewReport([...events.clocks].map(([source, c]) => ({ source, role: c.role, bound: c.bounds.bound })));
  const skewWarning = clockSkewWarning(clockSkew);
  if (skewWarning !== null) warnings.push(skewWarning);
  if (endToEnd && endToEnd.clockSkew.count > 0) {
    warnings.push(
      `${endToEnd.clockSkew.count} records arrived before they were sent (clocks disagree by up to ${Math.round(endToEnd.clockSkew.maxUs / 1000)} ms); counted as 0 ms latency`,
    );
  }
  if (acc && acc.unreportedProducers.length > 0)
    warnings.push(`records from producers that never reported: ${acc.unreportedProducers.join(', ')} (counted as unexpected)`);
  if (spec.validators.isolation === 'read_uncommitted') {
    warnings.push(
      "validators read at read_uncommitted: records of aborted transactions (the producers' and the replicator's own) are visible to them, so aborted reads and duplicates describe what such a reader sees",
    );
  }
  if (events.drained && !events.drained.drained) {
    warnings.push(
      `the provisioner stopped waiting for the validators to drain after ${Math.round(events.drained.waitedMs / 1000)} s: unseen records may have still been in flight`,
    );
  }

  const failover = consumerFailoverReport(events, spec.consumers.length > 0);
  const failsOver = spec.faults.some((f) => f.kind === 'consumer-failover');
  const expectations = checkExpectations(
    spec.expectations,
    {
      failoverSkipped:
        failover === null || failover.missingDrills.length > 0 || (failsOver && failover.drills.length === 0)
          ? null
          : failover.totals.skipped,
      failoverReread:
        failover === null || failover.missingDrills.length > 0 || failover.drills.length === 0 ? null : failover.totals.maxReread,
      checkpointAgeSeconds: failover === null || failover.checkpoints === 0 ? null : failover.totals.maxCheckpointAgeSeconds,
      lost: acc?.lost.count ?? null,
      unseen: acc?.unseen.count ?? null,
      unexpected: acc?.unexpected.count ?? null,
      duplicates: acc?.duplicate.count ?? null,
      corrupt: acc?.corrupt.count ?? null,
      foreign: acc?.foreign.count ?? null,
      inconsistentOffsets: acc?.inconsistentOffset.count ?? null,
      p99Us: measuredP99(combined.endToEnd, measuring, endToEnd),
      faults,
      lostAtSource: acc?.lostSplit.lostAtSource.count ?? null,
      purgedBeforeMirrored: acc?.lostSplit.purgedBeforeMirrored.count ?? null,
      lostInReplication: acc?.lostSplit.lostInReplication.count ?? null,
      pickup,
      abortedReads: acc?.abortedRead.count ?? null,
    },
    { replicatorMode: spec.replicator.mode, transactional: spec.workload.transactions !== undefined, failsOver },
  );
  const lostSplit = acc === undefined ? null : lostSplitReport(acc, events.sourceSamples.length);
  const sourceConsumer = sourceConsumerReport(events, spec.audit?.sourceConsumer === true);
  warnings.push(...sourceConsumer.warnings);
  if (lostSplit && lostSplit.purgedBeforeMirrored.count > 0) {
    warnings.push(
      `${lostSplit.purgedBeforeMirrored.count} records were purged by source retention before the replicator copied them (see the lost split)`,
    );
  }
  const capacity = reportCapacity({ spec, producers, series, ...run });
  const deliveryEndAtMs = deliveryEndFor(capacity);
  if (deliveryEndAtMs !== undefined) {
    warnings.push(
      `the tester saturated at ${capacity!.testerSaturatedAt} records/s: whether it delivered the requested rate was judged on the ramp's steps below that only`,
    );
  }
  const judged = judgeDelivery({
    producers,
    faults,
    ...run,
    ...(deliveryEndAtMs === undefined ? {} : { endAtMs: deliveryEndAtMs }),
    unit: 'bytes' in spec.workload.rate ? 'bytes' : 'records',
  });
  warnings.push(...judged.warnings);
  const decided = decideVerdict(errors, expectations, judged.inconclusive);
  const readiness = events.readiness();

  const counts = producers.reduce(
    (s, p) => ({
      sent: s.sent + p.counts.sent,
      acked: s.acked + p.counts.acked,
      failed: s.failed + p.counts.failed,
      indeterminate: s.indeterminate + p.counts.indeterminate,
    }),
    { sent: 0, acked: 0, failed: 0, indeterminate: 0 },
  );
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    scenario: {
      id: events.scenarioId,
      name: spec.name || events.scenarioId,
      description: spec.description,
      expectedBehaviour: spec.expectedBehaviour,
      startAtMs: started?.startAtMs ?? null,
      endAtMs: run.endAtMs ?? null,
      stoppingAtMs: events.stopping?.atMs ?? null,
      drainedAtMs: events.drained?.atMs ?? null,
      drained: events.drained?.drained ?? null,
      targetTopics: started?.targetTopics ?? {},
      spec: started?.spec ?? null,
    },
    verdict: decided.verdict,
    reasons: decided.reasons,
    warnings: [...warnings, ...decided.warnings],
    basis: {
      events: events.size,
      asOfMs: events.asOfMs ?? null,
      complete: readiness.complete,
      incompleteReason: !readiness.drained
        ? 'no scenario.drained event: validators may not have read everything'
        : readiness.awaitingFinal.length > 0
          ? `no final report from validator${readiness.awaitingFinal.length === 1 ? '' : 's'} ${readiness.awaitingFinal.join(', ')}: built from ${readiness.awaitingFinal.length === 1 ? 'its' : 'their'} latest progress report`
          : null,
      producers: producers.map((p) => ({ id: p.producerId, reports: p.reports, final: p.final })),
      validators: validatorIds.map((id) => {
        const v = events.validators.get(id)!;
        const final = v.incarnations[v.incarnations.length - 1].latest.final;
        return { id, reports: v.reports, final, incarnations: v.incarnations.length, superseded: events.isSuperseded(id) };
      }),
    },
    expectations,
    delivery: judged.delivery,
    totals: {
      reconciled: acc !== undefined,
      produced: counts.sent,
      acknowledged: acc?.totals.acked ?? counts.acked,
      failed: acc?.totals.failed ?? counts.failed,
      indeterminate: acc?.totals.indeterminate ?? counts.indeterminate,
      consumed: acc?.totals.seenRecords ?? combined.endToEnd?.count ?? 0,
      consumedDistinct: acc?.totals.seenDistinct ?? 0,
      deliveries: acc?.totals.deliveries ?? 0,
      keysSeen: acc?.totals.keysSeen ?? 0,
      keysReported: acc?.totals.keysReported ?? 0,
      unreportedProducers: acc?.unreportedProducers ?? [],
    },
    anomalies,
    latency: { endToEnd, replication: summary(combined.replication), fromSchedule: summary(combined.fromSchedule) },
    series,
    replicationLag: lagSeries(events.progress),
    replicatorLag,
    stalls: { thresholdMs: STALL_THRESHOLD_MS, list: stalls },
    pickup,
    faults,
    warmup,
    capacity,
    lostSplit,
    consumerFailover: failover,
    clockSkew,
    sourceConsumer: sourceConsumer.report,
    recoveryRule: { ...RECOVERY_RULE },
    readUncommitted: readUncommittedReport(events, spec, acc),
  };
}

function warmupOf(started: ScenarioView['started'], measuring: ScenarioView['measuring']): ScenarioReport['warmup'] {
  if (started === undefined || measuring === undefined) return null;
  const measuringAtMs = Math.max(measuring.measuringAtMs, started.startAtMs);
  const firstReadAtMs = measuring.firstReadAtMs;
  return {
    startAtMs: started.startAtMs,
    measuringAtMs,
    seconds: (measuringAtMs - started.startAtMs) / 1000,
    firstReadAtMs,
    firstReadSeconds: firstReadAtMs === null ? null : Math.max(0, firstReadAtMs - started.startAtMs) / 1000,
    steady: measuring.steady,
    detail: measuring.detail,
  };
}

/** The p99 the latency expectation judges: records read from the first whole second of the measured part on. */
function measuredP99(h: LatencyHistograms | undefined, measuring: ScenarioView['measuring'], whole: LatencySummary | null): number | null {
  if (measuring === undefined || h === undefined) return whole && whole.count > 0 ? whole.p99Us : null;
  const m = h.percentilesSince(Math.ceil(measuring.measuringAtMs / 1000), [99]);
  return m.count > 0 ? m.valuesUs[0] : null;
}

function summary(h: LatencyHistograms | undefined): LatencySummary | null {
  if (h === undefined || h.count === 0) return null;
  const [p50Us, p90Us, p99Us, p999Us, maxUs] = h.percentiles([50, 90, 99, 99.9, 100]);
  return { count: h.count, p50Us, p90Us, p99Us, p999Us, maxUs, clockSkew: h.clockSkew, overRange: h.overRange };
}

function countAttributions(faults: FaultReport[], anomalies: ScenarioReport['anomalies']): void {
  for (const row of anomalies) {
    for (const e of row.examples) {
      for (const ref of e.faults) {
        const f = faults.find((x) => x.faultId === ref.faultId);
        if (f) f.attributedExamples[row.class] = (f.attributedExamples[row.class] ?? 0) + 1;
      }
    }
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

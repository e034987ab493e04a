import { ANOMALY_CLASSES, scenarioReportSchema, type AnomalyClassName, type ScenarioReport, type Verdict } from '../report-schema';

/**
 * Several runs side by side (`mirrorlab compare`, `GET /compare`): typically one scenario
 * run against different replicators or replicator modes. Pure: built from the runs' reports
 * alone, in the order given. Runs are aligned on their measured start (the end of the
 * warm-up), so "second 30" is the same moment of the schedule in every run.
 */

/** Seconds before a fault's injection and after its heal that count as "before" and "after". */
export const PHASE_SECONDS = 10;

/** Throughput and latency over one phase of one fault, from the run's per-second series. */
export interface PhaseStats {
  fromMs: number;
  toMs: number;
  /** Seconds of the series inside the phase. */
  seconds: number;
  /** Mean records/s first read on the target; null without a second. */
  consumedPerSec: number | null;
  /** Median of the per-second p50s; null when nothing was read. */
  p50Us: number | null;
  /** Highest per-second p99 (per-second histograms cannot be merged from the series). */
  p99Us: number | null;
}

export interface ComparedFault {
  faultId: string;
  kind: string;
  target: string | null;
  /** Offset from the run's measured start, ms. */
  atMs: number;
  before: PhaseStats;
  during: PhaseStats;
  after: PhaseStats;
  recovery: { status: string; seconds: number | null };
}

export interface ComparedRun {
  id: string;
  name: string;
  /** The spec's `replicator.mode` (`dedicated` when absent). */
  replicatorMode: string;
  verdict: Verdict;
  reasons: string[];
  /** The moment every offset in this run counts from (measured start, or the start without a warm-up). */
  originMs: number | null;
  /** Count per anomaly class, 0 for a class that did not happen; null when the run was not reconciled. */
  anomalies: Record<AnomalyClassName, number> | null;
  latency: { p50Us: number; p99Us: number; p999Us: number; maxUs: number } | null;
  /** Mean records/s consumed over the measured run. */
  consumedPerSec: number | null;
  produced: number;
  consumed: number;
  faults: ComparedFault[];
  /** Per second, offset from `originMs`: consumed records and p99 (for the overlaid charts). */
  series: Array<{ offsetMs: number; consumed: number; p99Us: number | null }>;
}

export interface Comparison {
  runs: ComparedRun[];
  /** Anomaly classes with a count above 0 in at least one run, in the report's order. */
  anomalyClasses: AnomalyClassName[];
  phaseSeconds: number;
}

export function compareReports(reports: readonly ScenarioReport[]): Comparison {
  const runs = reports.map(compareRun);
  const anomalyClasses = ANOMALY_CLASSES.filter((c) => runs.some((r) => (r.anomalies?.[c] ?? 0) > 0));
  return { runs, anomalyClasses, phaseSeconds: PHASE_SECONDS };
}

function compareRun(r: ScenarioReport): ComparedRun {
  const origin = r.warmup?.measuringAtMs ?? r.scenario.startAtMs;
  const spec = (r.scenario.spec ?? {}) as { replicator?: { mode?: unknown } };
  const mode = typeof spec.replicator?.mode === 'string' ? spec.replicator.mode : 'dedicated';
  const anomalies = r.totals.reconciled
    ? Object.fromEntries(ANOMALY_CLASSES.map((c) => [c, r.anomalies.find((a) => a.class === c)?.count ?? 0]))
    : null;
  const measured =
    origin === null ? [] : r.series.filter((p) => p.t * 1000 >= origin && (r.scenario.endAtMs === null || p.t * 1000 < r.scenario.endAtMs));
  const e2e = r.latency.endToEnd;
  return {
    id: r.scenario.id,
    name: r.scenario.name,
    replicatorMode: mode,
    verdict: r.verdict,
    reasons: r.reasons,
    originMs: origin,
    anomalies: anomalies as Record<AnomalyClassName, number> | null,
    latency: e2e === null ? null : { p50Us: e2e.p50Us, p99Us: e2e.p99Us, p999Us: e2e.p999Us, maxUs: e2e.maxUs },
    consumedPerSec: measured.length === 0 ? null : measured.reduce((s, p) => s + p.consumed, 0) / measured.length,
    produced: r.totals.produced,
    consumed: r.totals.consumed,
    faults: r.faults.map((f) => {
      const healStart = f.healStartedAtMs ?? f.healedAtMs;
      // A one-shot fault (or one never healed) is "during" for PHASE_SECONDS after its injection.
      const duringTo = !f.oneShot && healStart !== null ? healStart : f.injectedAtMs + PHASE_SECONDS * 1000;
      return {
        faultId: f.faultId,
        kind: f.kind,
        target: f.target,
        atMs: origin === null ? 0 : f.injectedAtMs - origin,
        before: phase(r, f.injectedAtMs - PHASE_SECONDS * 1000, f.injectedAtMs),
        during: phase(r, f.injectedAtMs, duringTo),
        after: phase(r, duringTo, duringTo + PHASE_SECONDS * 1000),
        recovery: { status: f.recovery.status, seconds: f.recovery.seconds },
      };
    }),
    series: origin === null ? [] : r.series.map((p) => ({ offsetMs: p.t * 1000 - origin, consumed: p.consumed, p99Us: p.p99Us })),
  };
}

/** Seconds whose window starts in [fromMs, toMs). */
export function phase(r: Pick<ScenarioReport, 'series'>, fromMs: number, toMs: number): PhaseStats {
  const points = r.series.filter((p) => p.t * 1000 >= fromMs && p.t * 1000 < toMs);
  const p50s = points
    .map((p) => p.p50Us)
    .filter((v): v is number => v !== null)
    .sort((a, b) => a - b);
  const p99s = points.map((p) => p.p99Us).filter((v): v is number => v !== null);
  return {
    fromMs,
    toMs,
    seconds: points.length,
    consumedPerSec: points.length === 0 ? null : points.reduce((s, p) => s + p.consumed, 0) / points.length,
    p50Us: p50s.length === 0 ? null : p50s[Math.floor((p50s.length - 1) / 2)],
    p99Us: p99s.length === 0 ? null : Math.max(...p99s),
  };
}

/** A report.json as written by the aggregator, checked against the schema; throws naming the run and the first problem. */
export function parseReportForComparison(text: string, id: string): ScenarioReport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`the report of ${id} is not JSON`);
  }
  const parsed = scenarioReportSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `the report of ${id} does not fit report schema v${String((raw as { schemaVersion?: unknown })?.schemaVersion ?? '?')}: ${issue.path.join('.')}: ${issue.message}`,
    );
  }
  return parsed.data;
}

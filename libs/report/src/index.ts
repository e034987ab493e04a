/**
 * @mirrorlab/report: the scenario report, from control events alone. Pure: no
 * I/O, no clock. The report-aggregator folds a scenario's events into
 * `ScenarioView` (@mirrorlab/control, the fold every service reads), calls
 * `buildReport`, and writes the three renderings.
 *
 *   const events = new ScenarioView(scenarioId);
 *   for (const e of controlEvents) events.apply(e);
 *   const report = buildReport(events);
 *   renderJson(report); renderHtml(report); renderMarkdown(report);
 */
export { buildReport } from './build-report';
export { measureRecovery, median, RECOVERY_RULE, type RecoveryInput } from './recovery';
export { attribute } from './fault-windows';
export { decideWarmup, WARMUP_RULE, type WarmupDecision, type WarmupInput, type WarmupRule, type WarmupWindow } from './warmup';
export {
  ANOMALY_CLASSES,
  REPORT_SCHEMA_VERSION,
  capacitySchema,
  scenarioReportSchema,
  type AnomalyClassName,
  type AnomalyExample,
  type AnomalyRow,
  type CapacityReport,
  type ExampleTime,
  type ExpectationResult,
  type FaultReport,
  type LagPoint,
  type LatencySummary,
  type Recovery,
  type RecoveryRule,
  type ScenarioReport,
  type SecondPoint,
  type Verdict,
} from './report-schema';
export { renderJson } from './render/render-json';
export { capacityLine, renderMarkdown } from './render/render-markdown';
export { renderHtml } from './render/render-html';
export * from './capacity';
export * from './compare';
export {
  CLOCK_SKEW_WARN_MS,
  clockSkewReport,
  clockSkewWarning,
  OffsetBounds,
  skewBetween,
  type ClockSkewReport,
  type OffsetBound,
  type SkewEstimate,
} from './clock-skew';

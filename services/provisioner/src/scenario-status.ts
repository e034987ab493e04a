import { DEFAULT_DRAIN_TIMEOUT_MS, parseJobFailure, validateScenario } from '@mirrorlab/protocol';
import type { ScenarioView } from '@mirrorlab/control';
import type { LiveCounts } from './drain-check';
import { isTerminal, PHASES, progressOf, type Phase } from './run-record';
import type { ScenarioJobView } from './scenario-jobs';

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** The phase a job is in: its run record's, or what BullMQ's state says when the run never recorded one. */
export function phaseOf(view: ScenarioJobView): Phase {
  const recorded = view.record?.phase;
  if (view.state === 'failed') return recorded && isTerminal(recorded) ? recorded : 'failed';
  if (view.state === 'completed') return 'done';
  return recorded ?? 'queued';
}

/** Why the run failed: its run record's error, else the job's failure as the processor threw it. */
function errorOf(view: ScenarioJobView): { code: string; message: string } | null {
  if (view.record?.error) return view.record.error;
  if (!view.failedReason) return null;
  const { code, message } = parseJobFailure(view.failedReason);
  return { code, message };
}

export function scenarioSummary(view: ScenarioJobView) {
  const record = view.record;
  return {
    id: view.id,
    name: typeof view.spec.name === 'string' ? view.spec.name : null,
    phase: phaseOf(view),
    progress: phaseOf(view) === 'done' ? 100 : view.progress,
    submittedAt: iso(view.submittedAtMs),
    finishedAt: iso(view.finishedAtMs),
    verdict: record?.result?.verdict ?? null,
    error: errorOf(view)?.code ?? null,
    statusUrl: `/scenarios/${view.id}`,
  };
}

/** Everything `GET /scenarios/:id` says about a scenario. */
export function scenarioStatus(view: ScenarioJobView, obs: ScenarioView | undefined, counts: LiveCounts, nowMs: number) {
  const record = view.record;
  const phase = phaseOf(view);
  const parsed = validateScenario(view.spec);
  const spec = parsed.ok ? parsed.spec : undefined;
  const producersAtMs = record?.startAtMs ?? obs?.started?.startAtMs;
  // The workload's clock runs from the warm-up's end (producers write before, during the warm-up).
  const measuringAtMs = record?.measuringAtMs ?? obs?.measuring?.measuringAtMs;
  const warmingUp = measuringAtMs === undefined && (spec?.warmup.timeout ?? 0) > 0;
  const startAtMs = measuringAtMs ?? (warmingUp ? undefined : producersAtMs);
  const endAtMs =
    record?.measuredEndAtMs ?? obs?.measuring?.endAtMs ?? (warmingUp ? undefined : (record?.endAtMs ?? obs?.started?.endAtMs));
  const durationMs = spec?.workload.duration ?? (startAtMs !== undefined && endAtMs !== undefined ? endAtMs - startAtMs : undefined);
  const began = record?.phaseTimes.provisioning ?? view.processedAtMs;
  const ended = isTerminal(phase) ? (view.finishedAtMs ?? record?.phaseTimes[phase] ?? nowMs) : nowMs;
  const timestamps: Record<string, string | null> = { submitted: iso(view.submittedAtMs) };
  for (const p of PHASES) if (record?.phaseTimes[p] !== undefined) timestamps[p] = iso(record.phaseTimes[p]);
  const report =
    record?.result ??
    (obs?.report ? { verdict: obs.report.verdict, reasons: obs.report.reasons, reportLocation: obs.report.location } : undefined);
  return {
    ...scenarioSummary(view),
    progress: isTerminal(phase) ? 100 : record ? progressOf(record, nowMs, spec?.drainTimeout ?? DEFAULT_DRAIN_TIMEOUT_MS) : view.progress,
    state: view.state,
    spec: view.spec,
    timestamps,
    elapsedMs: began === undefined ? 0 : Math.max(0, ended - began),
    workload: {
      /** Producers' start: the warm-up begins here. */
      producersAt: iso(producersAtMs),
      /** The warm-up's end (`scenario.measuring`); null while warming up. */
      measuringAt: iso(measuringAtMs),
      startAt: iso(startAtMs),
      endAt: iso(endAtMs),
      elapsedMs:
        startAtMs === undefined || durationMs === undefined
          ? 0
          : Math.min(durationMs, Math.max(0, Math.min(ended, endAtMs ?? ended) - startAtMs)),
      totalMs: durationMs ?? null,
      processes: record?.workload?.processes ?? [],
      orchestrator: record?.workload?.kind ?? null,
    },
    targetTopics: record?.targetTopics ?? obs?.started?.targetTopics ?? null,
    resumes: record?.resumes ?? 0,
    faults: {
      scheduled: spec?.faults.length ?? 0,
      /** Fault jobs on the faults queue, once enqueued. */
      jobIds: record?.faultsScheduledAtMs !== undefined ? (record.faultJobIds ?? []) : [],
      injected: [...(obs?.faults.values() ?? [])].filter((f) => f.injected !== undefined).length,
      healed: [...(obs?.faults.values() ?? [])].filter((f) => f.healed !== undefined).length,
      healAllJobId: record?.healAllJobId ?? null,
    },
    counts,
    drain: record?.drain ?? null,
    stopReason: record?.stopReason ?? obs?.stopping?.reason ?? null,
    verdict: report?.verdict ?? null,
    reasons: report?.reasons ?? [],
    reportLocation: report?.reportLocation ?? null,
    error: errorOf(view),
    abortRequestedAt: iso(view.abortRequestedAtMs),
  };
}

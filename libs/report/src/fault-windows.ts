import { measureRecovery } from './recovery';
import type { ExampleTime, FaultRef, FaultReport, SecondPoint } from './report-schema';
import type { ScenarioView } from '@mirrorlab/control';
import { isOneShot, type SpecView } from './spec-view';

export type FaultWindow = Omit<FaultReport, 'recovery' | 'impactWindow' | 'attributedExamples'>;

/**
 * Fault windows from `fault.injected` / `fault.healed`, ordered by injection. A
 * fault with no heal is one-shot when it has no duration (see `isOneShot`);
 * otherwise it was never healed, which the report warns about (Chaos Mesh's most
 * common complaint: rules left behind). Three moments per fault: the injection,
 * the heal's start and the moment the component was back (the verified heal);
 * a killed broker may serve again half a minute after its restart began.
 */
export function faultWindows(events: ScenarioView, spec: SpecView): { faults: FaultWindow[]; warnings: string[] } {
  const warnings: string[] = [];
  const faults: FaultWindow[] = [];
  for (const f of [...events.faults.values()].sort((a, b) => (a.faultId < b.faultId ? -1 : a.faultId > b.faultId ? 1 : 0))) {
    if (f.injected === undefined) {
      warnings.push(`fault ${f.faultId} (${f.healed?.kind ?? '?'}) was healed but its injection was never announced; it is left out`);
      continue;
    }
    const healed = f.healed;
    const oneShot = healed === undefined && isOneShot(spec, f.faultId, f.injected.durationMs);
    if (healed === undefined && !oneShot) warnings.push(`fault ${f.faultId} (${f.injected.kind}) was never healed`);
    if (healed !== undefined && !healed.verified) {
      warnings.push(`the heal of fault ${f.faultId} (${f.injected.kind}) was not verified${healed.detail ? `: ${healed.detail}` : ''}`);
    }
    faults.push({
      faultId: f.faultId,
      kind: f.injected.kind,
      target: f.injected.target ?? null,
      params: f.injected.params,
      injectedAtMs: f.injected.atMs,
      healedAtMs: healedAtMs(f.injected.atMs, healed),
      healStartedAtMs:
        healed === undefined
          ? null
          : Math.min(Math.max(healed.healStartedAtMs ?? healed.atMs, f.injected.atMs), healedAtMs(f.injected.atMs, healed)!),
      backAtMs: healed?.verified ? Math.max(healed.backAtMs ?? healed.atMs, f.injected.atMs) : null,
      oneShot,
      verified: healed === undefined ? null : healed.verified,
      healDetail: healed?.detail ?? '',
    });
  }
  faults.sort((a, b) => a.injectedAtMs - b.injectedAtMs || (a.faultId < b.faultId ? -1 : a.faultId > b.faultId ? 1 : 0));
  if (spec.faults.length > faults.length) {
    warnings.push(
      `the scenario lists ${spec.faults.length} fault${spec.faults.length === 1 ? '' : 's'}; ${faults.length} ${faults.length === 1 ? 'was' : 'were'} injected`,
    );
  }
  return { faults, warnings };
}

function healedAtMs(injectedAtMs: number, healed: { atMs: number } | undefined): number | null {
  return healed === undefined ? null : Math.max(healed.atMs, injectedAtMs);
}

/** Where a fault was active: injection to heal; a one-shot fault for its second; an unhealed one until the end. */
function activeWindow(f: FaultWindow, runEndMs: number): { fromMs: number; toMs: number } {
  return { fromMs: f.injectedAtMs, toMs: f.healedAtMs ?? (f.oneShot ? f.injectedAtMs + 1000 : runEndMs) };
}

/**
 * Adds each fault's recovery (see `measureRecovery`) and impact window:
 * injection until recovery; until the heal when recovery was not measured; until
 * the end of the run when the fault never recovered or was never healed. Faults
 * are measured in injection order, so an earlier fault's impact window (its
 * catch-up included) stays out of a later fault's baseline.
 */
export function withRecovery(
  faults: readonly FaultWindow[],
  series: readonly SecondPoint[],
  run: { startAtMs: number | undefined; endAtMs: number | undefined },
): FaultReport[] {
  const lastT = series.length > 0 ? series[series.length - 1].t : undefined;
  const runEndMs = Math.max(
    run.endAtMs ?? 0,
    lastT === undefined ? 0 : (lastT + 1) * 1000,
    ...faults.map((f) => f.healedAtMs ?? f.injectedAtMs),
  );
  const out: FaultReport[] = [];
  faults.forEach((f, i) => {
    const recovery = measureRecovery({
      series,
      injectedAtMs: f.injectedAtMs,
      referenceMs: f.healStartedAtMs ?? f.healedAtMs ?? (f.oneShot ? f.injectedAtMs : undefined),
      otherFaults: [...out.map((o) => o.impactWindow), ...faults.slice(i + 1).map((o) => activeWindow(o, runEndMs))],
      startAtMs: run.startAtMs,
      endAtMs: run.endAtMs,
    });
    const unhealed = f.healedAtMs === null && !f.oneShot;
    const toMs =
      recovery.status === 'not-recovered' || unhealed ? runEndMs : (recovery.recoveredAtMs ?? f.healedAtMs ?? f.injectedAtMs + 1000);
    out.push({ ...f, recovery, impactWindow: { fromMs: f.injectedAtMs, toMs: Math.max(toMs, f.injectedAtMs) }, attributedExamples: {} });
  });
  return out;
}

/** The faults whose impact window an example's time overlaps, and in which phase. */
export function attribute(time: ExampleTime, faults: readonly FaultReport[]): FaultRef[] {
  if (time.kind === 'unknown') return [];
  const [from, to] = time.kind === 'witnessed' ? [time.atMs, time.atMs] : [time.fromMs, time.toMs];
  const refs: FaultRef[] = [];
  for (const f of faults) {
    const w = f.impactWindow;
    const overlaps = time.kind === 'witnessed' ? from >= w.fromMs && from <= w.toMs : from <= w.toMs && to > w.fromMs;
    if (!overlaps) continue;
    const during = !f.oneShot && from <= (f.healedAtMs ?? Number.MAX_SAFE_INTEGER);
    refs.push({ faultId: f.faultId, phase: during ? 'during' : 'recovery' });
  }
  return refs;
}

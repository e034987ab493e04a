import { scenarioSpecSchema, type ScenarioSpec } from '@mirrorlab/protocol';

/**
 * The parts of the scenario spec the report reads. `scenario.started` carries the spec parsed
 * once by the provisioner with every default applied (libs/protocol `scenarioSpecSchema`; an
 * event whose spec does not parse is skipped like any bad event), so the report takes it as it
 * is and copies no default.
 */
export type SpecView = Pick<
  ScenarioSpec,
  | 'name'
  | 'description'
  | 'expectedBehaviour'
  | 'topics'
  | 'workload'
  | 'replicator'
  | 'validators'
  | 'faults'
  | 'expectations'
  | 'consumers'
  | 'audit'
>;
export type Expectations = SpecView['expectations'];

/** The spec the report reads: the started scenario's, or without a `scenario.started` (the report then errs) `NO_SPEC`. */
export function readSpec(spec: ScenarioSpec | undefined): SpecView {
  return spec ?? NO_SPEC;
}

/**
 * What the report reads when no `scenario.started` was seen: no name, topics or faults, every
 * other field the scenario schema's own default. The schema is asked for them by parsing the
 * smallest spec it accepts (its one rate and duration stand for "unknown": nothing reads them
 * without a started scenario).
 */
export const NO_SPEC: SpecView = (() => {
  const smallest = scenarioSpecSchema.parse({
    name: 'unknown',
    topics: [{ name: 'unknown', partitions: 1 }],
    workload: { rate: { records: 1 }, duration: 0 },
  });
  return { ...smallest, name: '', topics: [], faults: [] };
})();

/**
 * Whether a fault is one-shot (has no duration, so no heal): decided by the fault
 * itself, never by its kind (a kill-broker may or may not have a duration). The
 * runner's `fault.injected` says so (`durationMs`, null for one-shot); an older
 * runner's event does not, and the spec's fault at the id's index (`<scenario>/f<i>`)
 * decides. Unknown either way: not one-shot, so a missing heal is reported.
 */
export function isOneShot(spec: SpecView, faultId: string, durationMs: number | null | undefined): boolean {
  if (durationMs !== undefined) return durationMs === null;
  const m = /\/f(\d+)$/.exec(faultId);
  const f = m ? spec.faults[Number(m[1])] : undefined;
  return f !== undefined && f.duration === undefined;
}

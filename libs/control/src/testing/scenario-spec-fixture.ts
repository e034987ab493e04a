import { scenarioSpecSchema, type ScenarioSpec, type ScenarioSpecInput } from '@mirrorlab/protocol';

/** A small valid scenario spec, parsed (defaults applied) as `scenario.started` carries it; `overrides` replace top-level fields. */
export function testScenarioSpec(overrides: Partial<ScenarioSpecInput> = {}): ScenarioSpec {
  return scenarioSpecSchema.parse({
    name: 'test',
    topics: [{ name: 't', partitions: 3 }],
    workload: { rate: { records: 10 }, duration: '10s' },
    ...overrides,
  });
}

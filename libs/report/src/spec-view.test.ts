import { controlEventSchema, type ControlEventOf } from '@mirrorlab/control';
import { testScenarioSpec } from '@mirrorlab/control/testing';
import { scenarioSpecSchema } from '@mirrorlab/protocol';
import { NO_SPEC, readSpec } from './spec-view';

describe('readSpec: the spec the report reads', () => {
  it('is the spec scenario.started carries, its defaults applied once when the event was parsed', () => {
    const started = controlEventSchema.parse({
      v: 1,
      type: 'scenario.started',
      scenarioId: 's',
      atMs: 0,
      source: 'provisioner',
      // As written, without a single default: the event's schema applies them.
      spec: { name: 'bare', topics: [{ name: 't', partitions: 2 }], workload: { rate: { records: 5 }, duration: '10s' } },
      targetTopics: {},
      startAtMs: 0,
      endAtMs: 10_000,
    }) as ControlEventOf<'scenario.started'>;
    const spec = readSpec(started.spec);
    expect(spec).toBe(started.spec);
    expect([spec.workload.keysPerPartition, spec.workload.producers, spec.workload.rateSplit]).toEqual([4, 1, 'total']);
    expect([spec.replicator.mode, spec.validators.isolation, spec.expectations, spec.consumers]).toEqual([
      'dedicated',
      'read_committed',
      {},
      [],
    ]);
  });

  it("without a scenario.started, reads no name, topics or faults and otherwise the scenario schema's defaults", () => {
    expect(readSpec(undefined)).toBe(NO_SPEC);
    expect([NO_SPEC.name, NO_SPEC.topics, NO_SPEC.faults]).toEqual(['', [], []]);
    const defaults = testScenarioSpec();
    for (const field of ['description', 'expectedBehaviour', 'replicator', 'validators', 'expectations', 'consumers'] as const)
      expect(NO_SPEC[field]).toEqual(defaults[field]);
    const { rate: _r, duration: _d, ...workloadDefaults } = defaults.workload;
    expect(NO_SPEC.workload).toMatchObject(workloadDefaults);
    // Proof the defaults come from the schema: the schema's own default for keysPerPartition.
    expect(NO_SPEC.workload.keysPerPartition).toBe(
      scenarioSpecSchema.parse({ name: 'x', topics: [{ name: 't', partitions: 1 }], workload: { rate: { records: 1 }, duration: 0 } })
        .workload.keysPerPartition,
    );
  });
});

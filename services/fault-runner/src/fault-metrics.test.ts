import { Registry } from 'prom-client';
import { FAULT_KINDS } from '@mirrorlab/protocol';
import { FaultMetrics } from './fault-metrics';

test('every fault kind is counted from zero before any fault, so the first injection shows in increase()', async () => {
  const registry = new Registry();
  const m = new FaultMetrics(registry);
  const injected = (await m.injected.get()).values;
  expect(injected.map((v) => v.labels.kind).sort()).toEqual([...FAULT_KINDS].sort());
  expect(injected.every((v) => v.value === 0)).toBe(true);
  const healed = (await m.healed.get()).values;
  expect(healed).toHaveLength(FAULT_KINDS.length * 2);
  expect(healed.every((v) => v.value === 0)).toBe(true);
  m.injected.inc({ kind: 'kill-replicator' });
  expect((await m.injected.get()).values.find((v) => v.labels.kind === 'kill-replicator')?.value).toBe(1);
});

import { parseScenarioYaml } from '@mirrorlab/protocol';
import { offsetLagBound } from './offset-lag-bound';

const spec = (replicator: string) => {
  const r = parseScenarioYaml(
    `name: c\ntopics: [{ name: t, partitions: 1 }]\nworkload: { rate: { records: 10 }, duration: 10s }\n${replicator}\n`,
  );
  if (!r.ok) throw r.error;
  return r.spec;
};

describe('the failover-reread bound follows the scenario', () => {
  it("is the scenario's offsetLagMax when it sets MM2's checkpoints (also 0, and also when filled by default)", () => {
    expect(offsetLagBound(spec('replicator: { checkpoints: { offsetLagMax: 10 } }'), 100)).toBe(10);
    expect(offsetLagBound(spec('replicator: { checkpoints: { offsetLagMax: 0 } }'), 100)).toBe(0);
    expect(offsetLagBound(spec('replicator: { checkpoints: { interval: 5s } }'), 250)).toBe(100);
  });

  it('is OFFSET_LAG_MAX when the scenario leaves them alone', () => {
    expect(offsetLagBound(spec(''), 100)).toBe(100);
    expect(offsetLagBound(spec(''), 250)).toBe(250);
  });
});

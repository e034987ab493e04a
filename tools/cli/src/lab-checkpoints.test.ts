import { DEFAULT_MM2_CHECKPOINTS } from '@mirrorlab/lab';
import { parseScenarioYaml } from '@mirrorlab/protocol';
import { labCheckpointsFor } from './lab-checkpoints';

const spec = (replicator: string) => {
  const r = parseScenarioYaml(
    `name: c\ntopics: [{ name: t, partitions: 1 }]\nworkload: { rate: { records: 10 }, duration: 10s }\n${replicator}\n`,
  );
  if (!r.ok) throw r.error;
  return r.spec;
};

describe('the lab checkpoint settings of a scenario', () => {
  it('are the lab defaults when the scenario sets none (the protocol and lab defaults agree)', () => {
    expect(labCheckpointsFor(spec(''))).toEqual(DEFAULT_MM2_CHECKPOINTS);
    expect(labCheckpointsFor(spec('replicator: { checkpoints: {} }'))).toEqual(DEFAULT_MM2_CHECKPOINTS);
  });

  it('are the scenario settings, intervals in seconds', () => {
    expect(
      labCheckpointsFor(spec('replicator: { mode: dedicated-eos, checkpoints: { interval: 2m, syncInterval: 7s, offsetLagMax: 0 } }')),
    ).toEqual({
      intervalSeconds: 120,
      syncIntervalSeconds: 7,
      offsetLagMax: 0,
    });
  });
});

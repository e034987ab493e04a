import { parseScenarioYaml } from './parse-scenario';
import { scenarioSpecSchema } from './scenario-spec';
import { DEFAULT_REPLICATOR_CHECKPOINTS, replicatorCheckpointsOf } from './replicator-checkpoints';

const parse = (replicator: string) =>
  parseScenarioYaml(`
name: c
topics: [{ name: t, partitions: 1 }]
workload: { rate: { records: 10 }, duration: 10s }
${replicator}
`);

const spec = (replicator: string) => {
  const r = parse(replicator);
  if (!r.ok) throw r.error;
  return r.spec;
};

describe('replicator.checkpoints: MirrorMaker 2 checkpoint settings per scenario', () => {
  it('is absent unless the file sets it, and then means the lab defaults (1 s, 1 s, 100)', () => {
    const s = spec('');
    expect(s.replicator.checkpoints).toBeUndefined();
    expect(replicatorCheckpointsOf(s)).toEqual({ interval: 1000, syncInterval: 1000, offsetLagMax: 100 });
    expect(DEFAULT_REPLICATOR_CHECKPOINTS).toEqual({ interval: 1000, syncInterval: 1000, offsetLagMax: 100 });
  });

  it('reads every field, next to replicator.mode, and fills the ones left out', () => {
    const s = spec('replicator: { mode: connect, checkpoints: { interval: 5s, syncInterval: 2s, offsetLagMax: 10 } }');
    expect(s.replicator.mode).toBe('connect');
    expect(replicatorCheckpointsOf(s)).toEqual({ interval: 5000, syncInterval: 2000, offsetLagMax: 10 });
    expect(spec('replicator: { checkpoints: { offsetLagMax: 0 } }').replicator.checkpoints).toEqual({
      interval: 1000,
      syncInterval: 1000,
      offsetLagMax: 0,
    });
    expect(spec('replicator: { checkpoints: {} }').replicator.checkpoints).toEqual(DEFAULT_REPLICATOR_CHECKPOINTS);
  });

  it('validates a parsed spec to itself (it travels on the control topic)', () => {
    const s = spec('replicator: { checkpoints: { interval: 1m, syncInterval: 3s, offsetLagMax: 7 } }');
    expect(scenarioSpecSchema.parse(s).replicator.checkpoints).toEqual({ interval: 60_000, syncInterval: 3000, offsetLagMax: 7 });
  });

  it.each([
    ['replicator: { checkpoints: { interval: 500ms } }', /replicator\.checkpoints\.interval.*whole seconds/s],
    ['replicator: { checkpoints: { interval: 1.5s } }', /replicator\.checkpoints\.interval.*whole seconds/s],
    ['replicator: { checkpoints: { syncInterval: 0s } }', /replicator\.checkpoints\.syncInterval.*whole seconds/s],
    ['replicator: { checkpoints: { syncInterval: 2d } }', /replicator\.checkpoints\.syncInterval.*duration like 30s/s],
    ['replicator: { checkpoints: { interval: 25h } }', /replicator\.checkpoints\.interval.*24h/s],
    ['replicator: { checkpoints: { offsetLagMax: -1 } }', /replicator\.checkpoints\.offsetLagMax.*whole number of records/s],
    ['replicator: { checkpoints: { offsetLagMax: 2.5 } }', /replicator\.checkpoints\.offsetLagMax.*whole number of records/s],
    ['replicator: { checkpoints: { offsetLagMax: many } }', /replicator\.checkpoints\.offsetLagMax.*whole number of records/s],
    ['replicator: { checkpoints: { lag: 5 } }', /replicator\.checkpoints.*lag/s],
    ['replicator: { checkpoints: 5 }', /replicator\.checkpoints/],
  ])('rejects %s naming the field', (yaml, message) => {
    const r = parse(yaml);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(message);
  });
});

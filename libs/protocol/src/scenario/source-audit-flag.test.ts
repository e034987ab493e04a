import { parseScenarioYaml } from './parse-scenario';

const minimal = `
name: audit
topics:
  - name: ml.audit
    partitions: 2
workload:
  rate: { records: 20 }
  duration: 5s
`;

describe('audit.sourceConsumer', () => {
  it('is absent by default, so a spec without it is exactly as before', () => {
    const r = parseScenarioYaml(minimal);
    if (!r.ok) throw r.error;
    expect('audit' in r.spec).toBe(false);
  });

  it('takes true or false', () => {
    for (const v of [true, false]) {
      const r = parseScenarioYaml(`${minimal}audit: { sourceConsumer: ${v} }\n`);
      if (!r.ok) throw r.error;
      expect(r.spec.audit).toEqual({ sourceConsumer: v });
    }
  });

  it('names the field of a bad value or an unknown key', () => {
    const bad = parseScenarioYaml(`${minimal}audit: { sourceConsumer: yes-please }\n`);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error.problems).toEqual(['audit.sourceConsumer: expected true or false']);
    const unknown = parseScenarioYaml(`${minimal}audit: { sourceConsumers: true }\n`);
    expect(unknown.ok).toBe(false);
    if (unknown.ok) return;
    expect(unknown.error.problems.join('\n')).toMatch(/^audit.*sourceConsumers/);
  });
});

import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validateScenario, type ScenarioSpec } from '@mirrorlab/protocol';
import { buildReport, renderJson } from '@mirrorlab/report';
import { ScenarioView } from '@mirrorlab/control';
import { syntheticScenario } from '@mirrorlab/report/testing';
import { compareModes } from './compare-modes';
import type { CliContext } from './context';
import type { ScenarioOutcome } from './stack/follow-scenario';

const spec = (() => {
  const r = validateScenario({
    name: 'kill',
    topics: [{ name: 't', partitions: 2 }],
    workload: { rate: { records: 30 }, duration: '20s' },
    replicators: ['dedicated', 'dedicated-eos'],
  });
  if (!r.ok) throw r.error;
  return r.spec;
})();

/** Stands in for a run on the lab: writes the run's report where the aggregator would and returns its outcome. */
function fakeRunner(reports: string, verdicts: Record<string, ScenarioOutcome['verdict']>) {
  const seen: string[] = [];
  const runOne = async (s: ScenarioSpec): Promise<ScenarioOutcome> => {
    const id = `kill-${s.replicator.mode}`;
    seen.push(s.replicator.mode);
    const folded = new ScenarioView(id);
    syntheticScenario({ scenarioId: id, durationS: 20, rate: 30, partitions: 2 }).forEach((e) => folded.apply(e));
    mkdirSync(path.join(reports, id), { recursive: true });
    writeFileSync(path.join(reports, id, 'report.json'), renderJson(buildReport(folded)));
    return {
      scenarioId: id,
      verdict: verdicts[s.replicator.mode] ?? 'pass',
      reasons: [],
      phase: 'done',
      reportHtml: path.join(reports, id, 'report.html'),
    };
  };
  return { runOne, seen };
}

function context(): CliContext & { text: () => string } {
  let out = '';
  return { out: (t) => (out += `${t}\n`), err: () => undefined, env: {}, cwd: '/', text: () => out };
}

describe('mirrorlab run with replicators: [...]', () => {
  it('runs once per mode, in order, and writes the comparison of the runs', async () => {
    const reports = mkdtempSync(path.join(tmpdir(), 'ml-modes-'));
    const { runOne, seen } = fakeRunner(reports, {});
    const ctx = context();
    await compareModes(ctx, spec, {}, runOne);
    expect(seen).toEqual(['dedicated', 'dedicated-eos']);
    const html = path.join(reports, 'compare', 'kill-dedicated__kill-dedicated-eos', 'comparison.html');
    expect(existsSync(html)).toBe(true);
    expect(ctx.text()).toContain(`comparison: ${html}`);
    expect(ctx.text()).toContain('dedicated-eos: verdict PASS  (kill-dedicated-eos)');
    expect(readFileSync(html.replace('.html', '.md'), 'utf8')).toContain('| kill-dedicated-eos |');
  });

  it('ends with the worst verdict of the runs as its exit code', async () => {
    const reports = mkdtempSync(path.join(tmpdir(), 'ml-modes-'));
    const { runOne } = fakeRunner(reports, { dedicated: 'fail' });
    await expect(compareModes(context(), spec, {}, runOne)).rejects.toMatchObject({
      exitCode: 1,
      message: 'runs per replicator mode: dedicated fail, dedicated-eos pass',
    });
  });
});

import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildReport, renderJson } from '@mirrorlab/report';
import { ScenarioView } from '@mirrorlab/control';
import { syntheticScenario } from '@mirrorlab/report/testing';
import { comparisonDir } from './commands/compare';
import type { CliContext } from './context';
import { buildProgram } from './program';

const reports = mkdtempSync(path.join(tmpdir(), 'ml-compare-'));
for (const id of ['run-a', 'run-b']) {
  const folded = new ScenarioView(id);
  syntheticScenario({ scenarioId: id, durationS: 20, rate: 30, partitions: 2, anomalies: id === 'run-a' ? { duplicate: 1 } : {} }).forEach(
    (e) => folded.apply(e),
  );
  mkdirSync(path.join(reports, id), { recursive: true });
  writeFileSync(path.join(reports, id, 'report.json'), renderJson(buildReport(folded)));
}
mkdirSync(path.join(reports, 'broken'));
writeFileSync(path.join(reports, 'broken', 'report.json'), '{"schemaVersion": 1');

async function cli(args: string[]): Promise<{ out: string; err: string; error?: Error & { exitCode?: number } }> {
  let out = '';
  let err = '';
  const ctx: CliContext = { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), env: {}, cwd: reports };
  try {
    await buildProgram(ctx).parseAsync(['node', 'mirrorlab', ...args]);
    return { out, err };
  } catch (error) {
    return { out, err, error: error as Error & { exitCode?: number } };
  }
}

describe('mirrorlab compare', () => {
  it('prints the Markdown comparison and writes html, md and json beside the reports', async () => {
    const r = await cli(['compare', 'run-a', 'run-b', '--reports-dir', reports]);
    expect(r.error).toBeUndefined();
    expect(r.out).toContain('# Comparison of 2 runs');
    expect(r.out).toMatch(/\| Duplicate \| 1 \| 0 \|/);
    const dir = comparisonDir(reports, ['run-a', 'run-b']);
    expect(dir).toBe(path.join(reports, 'compare', 'run-a__run-b'));
    for (const f of ['html', 'md', 'json']) expect(existsSync(path.join(dir, `comparison.${f}`))).toBe(true);
    expect(readFileSync(path.join(dir, 'comparison.html'), 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('prints the HTML path with --format html, the JSON with --format json', async () => {
    expect((await cli(['compare', 'run-a', 'run-b', '--reports-dir', reports, '--format', 'html'])).out.trim()).toBe(
      path.join(comparisonDir(reports, ['run-a', 'run-b']), 'comparison.html'),
    );
    const json = JSON.parse((await cli(['compare', 'run-b', 'run-a', '--reports-dir', reports, '--format', 'json'])).out) as {
      runs: Array<{ id: string }>;
    };
    expect(json.runs.map((x) => x.id)).toEqual(['run-b', 'run-a']);
  });

  it.each([
    [['compare', 'run-a'], /at least two/],
    [['compare', 'run-a', 'run-a'], /named twice/],
    [['compare', 'run-a', 'run-b', '--format', 'pdf'], /--format must be md, json or html, got pdf/],
    [['compare', 'run-a', 'nope', 'broken'], /no report for nope in .*\nthe report of broken is not JSON/],
  ])('refuses %j as a usage error naming the problem', async (args, message) => {
    const r = await cli([...args, '--reports-dir', reports]);
    expect(r.error?.message).toMatch(message);
    expect(r.error?.exitCode).toBe(2);
  });
});

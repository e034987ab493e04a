import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ScenarioSpec } from '@mirrorlab/protocol';
import { compareReports, renderCompareHtml, renderCompareJson, renderCompareMarkdown } from '@mirrorlab/report';
import { comparisonDir, loadReports } from './commands/compare';
import type { CliContext } from './context';
import { CliError, EXIT_OK } from './exit-codes';
import { exitCodeForVerdicts, specsPerMode } from './replicator-runs';
import type { ScenarioOutcome } from './stack/follow-scenario';

/**
 * A scenario with `replicators: [a, b, ...]`: runs it once per mode, one after the other on the
 * same lab (each run switches the lab's replicator mode), then writes the comparison of the runs
 * that produced a report beside the reports. Exit code: the worst verdict (exitCodeForVerdicts).
 */
export async function compareModes(
  ctx: CliContext,
  spec: ScenarioSpec,
  opts: { json?: boolean },
  runOne: (spec: ScenarioSpec) => Promise<ScenarioOutcome>,
): Promise<void> {
  const runs: Array<{ mode: string; outcome: ScenarioOutcome }> = [];
  for (const { mode, spec: one } of specsPerMode(spec)) {
    ctx.err(`replicator mode ${mode}: running ${spec.name}…`);
    const outcome = await runOne(one);
    runs.push({ mode, outcome });
    ctx.err(`replicator mode ${mode}: ${outcome.verdict.toUpperCase()} (${outcome.scenarioId})`);
  }
  const reported = runs.filter((r) => r.outcome.reportHtml !== null);
  let comparison: string | null = null;
  if (reported.length >= 2) {
    const reportsDir = path.dirname(path.dirname(reported[0].outcome.reportHtml!));
    const ids = reported.map((r) => r.outcome.scenarioId);
    const c = compareReports(loadReports(reportsDir, ids));
    const dir = comparisonDir(reportsDir, ids);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'comparison.md'), renderCompareMarkdown(c));
    writeFileSync(path.join(dir, 'comparison.json'), renderCompareJson(c));
    comparison = path.join(dir, 'comparison.html');
    writeFileSync(comparison, renderCompareHtml(c));
  }
  if (opts.json) ctx.out(JSON.stringify({ runs, comparison }, null, 2));
  else {
    for (const { mode, outcome } of runs) {
      ctx.out(`${mode}: verdict ${outcome.verdict.toUpperCase()}  (${outcome.scenarioId})`);
      for (const r of outcome.reasons) ctx.out(`  - ${r}`);
    }
    ctx.out(comparison === null ? 'comparison: not written (fewer than two runs produced a report)' : `comparison: ${comparison}`);
  }
  const code = exitCodeForVerdicts(runs.map((r) => r.outcome.verdict));
  if (code !== EXIT_OK)
    throw new CliError(`runs per replicator mode: ${runs.map((r) => `${r.mode} ${r.outcome.verdict}`).join(', ')}`, code);
}

/** `mirrorlab compare ID_A ID_B [...]`: finished scenarios side by side, from the reports directory. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import {
  compareReports,
  parseReportForComparison,
  renderCompareHtml,
  renderCompareJson,
  renderCompareMarkdown,
  type ScenarioReport,
} from '@mirrorlab/report';
import type { CliContext } from '../context';
import { CliError, EXIT_USAGE } from '../exit-codes';
import { reportsDirFor } from '../stack/local-stack';
import type { CommandModule } from './index';
import { repoRootFor } from './stack';

/** Where a comparison is written: `<reports>/compare/<a>__<b>...`, ids kept readable (they are [a-zA-Z0-9._-] scenario ids). */
export function comparisonDir(reportsDir: string, ids: readonly string[]): string {
  return path.join(reportsDir, 'compare', ids.map((id) => id.replace(/[^a-zA-Z0-9._-]/g, '_')).join('__'));
}

/** Reads each id's report.json; every missing or unreadable one is named in one usage error. */
export function loadReports(reportsDir: string, ids: readonly string[]): ScenarioReport[] {
  const problems: string[] = [];
  const reports: ScenarioReport[] = [];
  for (const id of ids) {
    const file = path.join(reportsDir, id, 'report.json');
    if (!existsSync(file)) {
      problems.push(`no report for ${id} in ${reportsDir}`);
      continue;
    }
    try {
      reports.push(parseReportForComparison(readFileSync(file, 'utf8'), id));
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (problems.length > 0) throw new CliError(`${problems.join('\n')}\n(mirrorlab report lists the reports there are)`, EXIT_USAGE);
  return reports;
}

export const compareCommand: CommandModule = {
  register(program: Command, ctx: CliContext) {
    program
      .command('compare')
      .argument('<ids...>', 'two or more scenario ids (mirrorlab report lists them)')
      .option('--format <format>', 'md (printed), json (printed) or html (prints the file path)', 'md')
      .option('--reports-dir <path>', 'where the report-aggregator writes reports (default: <repo>/reports)')
      .description(
        'compare finished runs side by side: verdicts, anomaly counts by class, latency percentiles and throughput before / during / after each fault, recovery per fault, charts overlaid. Writes comparison.{html,md,json} under <reports>/compare/',
      )
      .action((ids: string[], opts: { format: string; reportsDir?: string }) => {
        if (ids.length < 2) throw new CliError('compare needs at least two scenario ids', EXIT_USAGE);
        if (new Set(ids).size !== ids.length) throw new CliError(`a scenario id is named twice: ${ids.join(' ')}`, EXIT_USAGE);
        if (!['md', 'json', 'html'].includes(opts.format))
          throw new CliError(`--format must be md, json or html, got ${opts.format}`, EXIT_USAGE);
        const dir = opts.reportsDir ? path.resolve(ctx.cwd, opts.reportsDir) : reportsDirFor(repoRootFor(ctx));
        const comparison = compareReports(loadReports(dir, ids));
        const out = comparisonDir(dir, ids);
        mkdirSync(out, { recursive: true });
        const files = { md: renderCompareMarkdown(comparison), json: renderCompareJson(comparison), html: renderCompareHtml(comparison) };
        for (const [format, text] of Object.entries(files)) writeFileSync(path.join(out, `comparison.${format}`), text);
        ctx.out(opts.format === 'html' ? path.join(out, 'comparison.html') : files[opts.format as 'md' | 'json']);
        ctx.err(`written: ${out}/comparison.{html,md,json}`);
      });
  },
};

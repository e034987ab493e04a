/** `mirrorlab report ID`: a finished scenario's report, from the reports directory. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context';
import { CliError, EXIT_USAGE } from '../exit-codes';
import { reportsDirFor } from '../stack/local-stack';
import type { CommandModule } from './index';
import { repoRootFor } from './stack';

export const reportCommand: CommandModule = {
  register(program: Command, ctx: CliContext) {
    program
      .command('report')
      .argument('[id]', 'scenario id (omit to list the reports there are)')
      .option('--format <format>', 'md (a summary), json or html (prints the file path)', 'md')
      .option('--reports-dir <path>', 'where the report-aggregator writes reports (default: <repo>/reports)')
      .description("print a scenario's report: the Markdown summary, the JSON, or the path of the HTML page")
      .action((id: string | undefined, opts: { format: string; reportsDir?: string }) => {
        const dir = opts.reportsDir ? path.resolve(ctx.cwd, opts.reportsDir) : reportsDirFor(repoRootFor(ctx));
        const known = existsSync(dir) ? readdirSync(dir).filter((d) => existsSync(path.join(dir, d, 'report.json'))) : [];
        if (!id) {
          if (known.length === 0) ctx.out(`no reports in ${dir} yet (mirrorlab run <scenario>)`);
          for (const k of known.sort()) ctx.out(k);
          return;
        }
        if (!['md', 'json', 'html'].includes(opts.format))
          throw new CliError(`--format must be md, json or html, got ${opts.format}`, EXIT_USAGE);
        const file = path.join(dir, id, `report.${opts.format}`);
        if (!existsSync(file))
          throw new CliError(`no report for ${id} in ${dir}${known.length ? `; known: ${known.join(', ')}` : ''}`, EXIT_USAGE);
        ctx.out(opts.format === 'html' ? file : readFileSync(file, 'utf8'));
      });
  },
};

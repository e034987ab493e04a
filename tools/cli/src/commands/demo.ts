/** `mirrorlab demo`: the quick start — lab up, the baseline scenario, its verdict and report. */
import path from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context';
import { CliError, exitCodeForVerdict } from '../exit-codes';
import { loadScenarioFile, scaleScenario } from '../scenario-file';
import type { CommandModule } from './index';
import { runScenario } from './run';
import { repoRootFor } from './stack';

export const demoCommand: CommandModule = {
  register(program: Command, ctx: CliContext) {
    program
      .command('demo')
      .option('--scenario <file>', 'scenario to run', 'scenarios/baseline.yaml')
      .option('--time-scale <factor>', 'multiply the workload duration and fault times', Number, 1)
      .description(
        'bring up the local lab (if needed), run the baseline scenario through MirrorMaker 2 and print the verdict and the report path',
      )
      .action(async (opts: { scenario: string; timeScale: number }) => {
        const file = path.resolve(repoRootFor(ctx), opts.scenario);
        const spec = scaleScenario(loadScenarioFile(file), opts.timeScale);
        const outcome = await runScenario(ctx, spec, { timeScale: opts.timeScale, build: true });
        ctx.out(`verdict: ${outcome.verdict.toUpperCase()}  (${outcome.scenarioId})`);
        for (const r of outcome.reasons) ctx.out(`  - ${r}`);
        if (outcome.reportHtml) ctx.out(`report: ${outcome.reportHtml}\nsummary: npx mirrorlab report ${outcome.scenarioId}`);
        if (outcome.verdict !== 'pass')
          throw new CliError(`the ${spec.name} scenario did not pass (${outcome.verdict})`, exitCodeForVerdict(outcome.verdict));
      });
  },
};

/** `mirrorlab run FILE`: the main job. Runs a scenario on the local lab and prints the verdict. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { labUp } from '@mirrorlab/lab';
import type { ScenarioSpec } from '@mirrorlab/protocol';
import { capacitySummaryBeside } from '../capacity-summary';
import { compareModes } from '../compare-modes';
import { labCheckpointsFor } from '../lab-checkpoints';
import type { CliContext } from '../context';
import { CliError, EXIT_FAILURE, EXIT_INCONCLUSIVE, EXIT_OK, EXIT_USAGE, exitCodeForVerdict } from '../exit-codes';
import { loadScenarioFile, scaleScenario } from '../scenario-file';
import { followScenario, type ScenarioOutcome } from '../stack/follow-scenario';
import { stackUp } from '../stack/local-stack';
import type { CommandModule } from './index';
import { labDirFor, repoRootFor } from './stack';

export const BUNDLED_SERVICES = ['producer', 'consumer-validator', 'provisioner', 'fault-runner', 'report-aggregator', 'consumer-groups'];

export interface RunOptions {
  dir?: string;
  timeScale: number;
  build: boolean;
  json?: boolean;
}

function buildBundles(repoRoot: string, ctx: CliContext): void {
  ctx.err('building the service bundles (cached when unchanged)…');
  const nx = path.join(repoRoot, 'node_modules', 'nx', 'dist', 'bin', 'nx.js');
  const r = spawnSync(process.execPath, [nx, 'run-many', '-t', 'build', '-p', ...BUNDLED_SERVICES, '--output-style=static'], {
    cwd: repoRoot,
    env: { ...ctx.env, NX_DAEMON: 'false', NX_TUI: 'false' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new CliError(`building the services failed:\n${(r.stdout ?? '') + (r.stderr ?? '')}`);
}

/** Brings up the lab and the stack if needed, submits the scenario and follows it to its verdict. */
export async function runScenario(ctx: CliContext, spec: ScenarioSpec, opts: RunOptions): Promise<ScenarioOutcome> {
  const repoRoot = repoRootFor(ctx);
  const labDir = labDirFor(ctx, opts.dir);
  // The scenario's `link:` (default none) becomes the lab's standing link for the run: a
  // scenario says what link it ran across, whatever the lab had before.
  // Its `replicator.mode` (default dedicated) likewise: a lab in another mode restarts MM2 in this one.
  // And its `replicator.checkpoints` (default: the lab's defaults): MM2 is reconfigured only when they differ.
  const lab = await labUp({
    dir: labDir,
    link: spec.link,
    replicatorMode: spec.replicator.mode,
    mm2Checkpoints: labCheckpointsFor(spec),
    log: (line) => ctx.err(line),
  });
  if (lab.loopbackReason !== undefined && spec.faults.some((f) => ['packet-loss', 'network-partition', 'bandwidth-cap'].includes(f.kind))) {
    throw new CliError(`this scenario needs network faults, which are off on a loopback lab (${lab.loopbackReason})`, EXIT_USAGE);
  }
  if (opts.build) buildBundles(repoRoot, ctx);
  const stack = await stackUp(lab.state, { repoRoot, labDir }, (line) => ctx.err(line));
  const provisioner = stack.members.find((m) => m.service === 'provisioner')!;
  return followScenario(provisioner.url, spec, { log: (line) => ctx.err(line), reportsDir: stack.reportsDir });
}

export const runCommand: CommandModule = {
  register(program: Command, ctx: CliContext) {
    program
      .command('run')
      .argument('<file>', 'scenario YAML file (see `mirrorlab scenarios`)')
      .description(
        'run a scenario end to end on the local lab: bring up the lab and the services if needed, enqueue the scenario, follow it with a live progress line, print the verdict and where the report is. Exit 0 pass, 1 fail, 2 error, 3 inconclusive (the tester did not deliver the requested load)',
      )
      .addOption(new Option('--dir <path>', 'lab directory (default: <repo>/.lab)').env('MIRRORLAB_LAB_DIR'))
      .option('--time-scale <factor>', 'multiply the workload duration and fault times (e.g. 0.5 for a quick run)', Number, 1)
      .option('--no-build', 'do not (re)build the service bundles first')
      .option('--json', 'print the outcome as JSON')
      .action(async (file: string, opts: RunOptions) => {
        const spec = scaleScenario(loadScenarioFile(path.resolve(ctx.cwd, file)), opts.timeScale);
        // `replicators: [...]`: once per mode on the lab, then the comparison (compare-modes.ts).
        if (spec.replicators !== undefined) return compareModes(ctx, spec, opts, (s) => runScenario(ctx, s, opts));
        const outcome = await runScenario(ctx, spec, opts);
        if (opts.json) ctx.out(JSON.stringify(outcome, null, 2));
        else {
          ctx.out(`verdict: ${outcome.verdict.toUpperCase()}  (${outcome.scenarioId})`);
          for (const r of outcome.reasons) ctx.out(`  - ${r}`);
          const capacity = outcome.reportHtml ? capacitySummaryBeside(outcome.reportHtml) : null;
          if (capacity) ctx.out(capacity);
          if (outcome.reportHtml) ctx.out(`report: ${outcome.reportHtml}`);
        }
        const code = exitCodeForVerdict(outcome.verdict);
        if (code === EXIT_FAILURE) throw new CliError(`scenario ${outcome.scenarioId} failed its expectations`, code);
        if (code === EXIT_INCONCLUSIVE)
          throw new CliError(`scenario ${outcome.scenarioId} was inconclusive: no conclusion about the replicator`, code);
        if (code !== EXIT_OK) throw new CliError(`scenario ${outcome.scenarioId} ended in error`, code);
      });
  },
};

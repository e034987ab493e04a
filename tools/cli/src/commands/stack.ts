/** `mirrorlab stack up|status|down`: the provisioner, fault-runner and report-aggregator next to the lab. */
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { defaultLabDir, findRepoRoot, readLabState } from '@mirrorlab/lab';
import type { CliContext } from '../context';
import { CliError } from '../exit-codes';
import { stackDown, stackStatus, stackUp } from '../stack/local-stack';
import type { CommandModule } from './index';

const dirOption = () => new Option('--dir <path>', 'lab directory (default: <repo>/.lab)').env('MIRRORLAB_LAB_DIR');
export const labDirFor = (ctx: CliContext, dir?: string) => (dir === undefined ? defaultLabDir(ctx.env, ctx.cwd) : resolve(ctx.cwd, dir));
export const repoRootFor = (ctx: CliContext) => findRepoRoot(ctx.cwd) ?? ctx.cwd;

export const stackCommand: CommandModule = {
  register(program: Command, ctx: CliContext) {
    const stack = program
      .command('stack')
      .description(
        'the provisioner, fault-runner and report-aggregator as local processes next to the lab (mirrorlab run starts them on demand)',
      );
    stack
      .command('up')
      .addOption(dirOption())
      .description('start the stack services that are not running (needs a lab up and built bundles)')
      .action(async (opts: { dir?: string }) => {
        const labDir = labDirFor(ctx, opts.dir);
        const state = await stackUp(readLabState(labDir), { repoRoot: repoRootFor(ctx), labDir }, ctx.err);
        for (const m of state.members) ctx.out(`${m.service.padEnd(18)} pid ${String(m.pid).padEnd(8)} ${m.url}  log ${m.logFile}`);
      });
    stack
      .command('status')
      .addOption(dirOption())
      .description('show each stack service as healthy or not (exit 1 if any is not)')
      .action(async (opts: { dir?: string }) => {
        const members = await stackStatus(labDirFor(ctx, opts.dir));
        if (members.length === 0) throw new CliError('the stack is not running (mirrorlab stack up)');
        for (const m of members) ctx.out(`${m.service.padEnd(18)} ${m.healthy ? 'healthy' : 'DOWN   '} pid ${m.pid}  ${m.url}`);
        if (!members.every((m) => m.healthy)) throw new CliError('some stack services are down');
      });
    stack
      .command('down')
      .addOption(dirOption())
      .description('stop the stack services (the lab keeps running)')
      .action(async (opts: { dir?: string }) => {
        const stopped = await stackDown(labDirFor(ctx, opts.dir));
        ctx.out(stopped.length ? `stopped ${stopped.join(', ')}` : 'the stack was not running');
      });
  },
};

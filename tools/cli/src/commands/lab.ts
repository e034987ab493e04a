/** `mirrorlab lab up|status|down|fetch|logs|env`: the local lab of real clusters. */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  DEFAULT_MM2_TOPICS,
  defaultLabDir,
  isLabError,
  labDown,
  labFetch,
  labProcess,
  labStatus,
  labUp,
  readLabState,
  tailLog,
  LINK_PROFILE_NAMES,
  REPLICATOR_MODE_NAMES,
  type LinkProfileName,
  type ReplicatorModeName,
  type ReplicationPolicyName,
} from '@mirrorlab/lab';
import type { CliContext } from '../context';
import { CliError, EXIT_FAILURE, EXIT_USAGE } from '../exit-codes';
import { stackDown } from '../stack/local-stack';
import type { CommandModule } from './index';
import { renderLabEnv, renderLabSummary, renderProcessTable } from './lab-view';

function dirOption(): Option {
  return new Option('--dir <path>', 'lab directory (default: <repo>/.lab)').env('MIRRORLAB_LAB_DIR');
}

function positiveInt(what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${what} must be a positive integer`);
    return n;
  };
}

function regex(value: string): string {
  try {
    new RegExp(value);
  } catch {
    throw new InvalidArgumentError('not a valid regular expression');
  }
  return value;
}

function labDir(ctx: CliContext, dir: string | undefined): string {
  return dir === undefined ? defaultLabDir(ctx.env, ctx.cwd) : resolve(ctx.cwd, dir);
}

interface UpOptions {
  dir?: string;
  topics?: string;
  replicationPolicy?: ReplicationPolicyName;
  netns: boolean;
  link?: LinkProfileName;
  replicatorMode?: ReplicatorModeName;
  timeout: number;
  monitoring?: boolean;
  json?: boolean;
}

async function up(ctx: CliContext, opts: UpOptions): Promise<void> {
  const started = Date.now();
  const dir = labDir(ctx, opts.dir);
  const result = await labUp({
    dir,
    topics: opts.topics,
    replicationPolicy: opts.replicationPolicy,
    netns: opts.netns,
    link: opts.link,
    replicatorMode: opts.replicatorMode,
    stageTimeoutMs: opts.timeout * 1000,
    monitoring: opts.monitoring,
    log: (line) => ctx.err(line),
  }).catch((error: unknown) => {
    if (isLabError(error) && !error.isUsageError && error.code !== 'lab_locked') {
      ctx.err(`the lab may be partly up; "mirrorlab lab down --dir ${dir}" stops what started (logs stay in ${dir})`);
    }
    throw error;
  });
  if (opts.json) {
    ctx.out(JSON.stringify(result.state, null, 2));
    return;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  ctx.out(result.alreadyUp ? 'lab is already up and healthy' : `lab is up (${seconds} s; started ${result.started.join(', ')})`);
  if (result.loopbackReason !== undefined)
    ctx.out(`network namespaces unavailable (${result.loopbackReason}): loopback mode, network faults are off`);
  ctx.out(renderProcessTable(result.state));
  ctx.out('');
  ctx.out(renderLabSummary(result.state));
}

function status(ctx: CliContext, opts: { dir?: string; json?: boolean }): void {
  const report = labStatus(labDir(ctx, opts.dir));
  if (opts.json) {
    ctx.out(
      JSON.stringify(
        {
          healthy: report.healthy,
          networkUp: report.networkUp,
          processes: report.processes.map((p) => ({ ...p.process, state: p.state })),
          lab: report.lab,
        },
        null,
        2,
      ),
    );
  } else {
    ctx.out(renderProcessTable(report.lab, new Map(report.processes.map((p) => [p.process.name, p.state]))));
    if (report.networkUp !== null) ctx.out(`network namespaces: ${report.networkUp ? 'up' : 'DOWN'}`);
    ctx.out('');
    ctx.out(renderLabSummary(report.lab));
  }
  if (!report.healthy) {
    const bad = report.processes.filter((p) => p.state !== 'alive').map((p) => `${p.process.name} ${p.state}`);
    throw new CliError(`lab is not healthy: ${bad.length > 0 ? bad.join(', ') : 'network namespaces missing'}`, EXIT_FAILURE);
  }
}

async function down(ctx: CliContext, opts: { dir?: string; purge?: boolean }): Promise<void> {
  // The stack services talk to the lab's clusters; they go first.
  const stopped = await stackDown(labDir(ctx, opts.dir));
  if (stopped.length > 0) ctx.err(`stopped the stack: ${stopped.join(', ')}`);
  const result = await labDown({ dir: labDir(ctx, opts.dir), purge: opts.purge, log: (line) => ctx.err(line) });
  if (!result.found) {
    ctx.out(`no lab in ${result.dir}: nothing to stop`);
    return;
  }
  const running = result.stopped.filter((s) => s.outcome === 'terminated' || s.outcome === 'killed').length;
  ctx.out(
    `lab down: ${running} process(es) stopped${result.networkRemoved ? ', namespaces removed' : ''}` +
      `${result.purged ? `, ${result.dir} deleted` : ` (data and logs kept in ${result.dir}; --purge deletes them)`}`,
  );
  const foreign = result.stopped.filter((s) => s.outcome === 'foreign');
  if (foreign.length > 0)
    ctx.err(`left alone (pid now belongs to another program): ${foreign.map((f) => `${f.name} pid ${f.pid}`).join(', ')}`);
}

async function logs(ctx: CliContext, name: string, opts: { dir?: string; lines: number; follow?: boolean }): Promise<void> {
  const proc = labProcess(readLabState(labDir(ctx, opts.dir)), name);
  if (!opts.follow) {
    ctx.out(tailLog(proc.logFile, opts.lines));
    return;
  }
  await new Promise<void>((resolvePromise, reject) => {
    const tail = spawn('tail', ['-n', String(opts.lines), '-F', proc.logFile], { stdio: 'inherit' });
    tail.on('error', reject);
    tail.on('close', () => resolvePromise());
  });
}

export const labCommand: CommandModule = {
  register(program: Command, ctx: CliContext): void {
    const lab = program
      .command('lab')
      .description('Run a local lab: source and target Kafka clusters (3 brokers each), MirrorMaker 2 and Redis on this machine.')
      .addHelpText(
        'after',
        `
The source side and the target side run in their own network namespaces (root needed),
joined by an inter-DC link that only MirrorMaker 2 crosses, so faults on that link
affect replication and nothing else. Without namespaces the lab runs on loopback and
network faults are off. State: <dir>/lab.json; other tools find the lab through it.`,
      );

    lab
      .command('up')
      .description(
        'Start the lab (fetching the Kafka jars on first use) and wait until every part is ready. Idempotent: a lab that is up is left as it is; dead processes are restarted.',
      )
      .addOption(dirOption())
      .addOption(
        new Option(
          '--topics <regex>',
          `MirrorMaker 2 topics to mirror; internal topics are always excluded (default for a new lab: ${DEFAULT_MM2_TOPICS})`,
        ).argParser(regex),
      )
      .addOption(
        new Option(
          '--replication-policy <policy>',
          'how mirrored topics are named on the target: default = source.<topic>, identity = <topic> (default for a new lab: default)',
        ).choices(['default', 'identity']),
      )
      .option('--no-netns', 'run everything on loopback (no network namespaces, network faults off)')
      .option(
        '--monitoring',
        "also run a Prometheus that scrapes every running mirrorlab service (the stack, each scenario's producers and validators); prints its address",
      )
      .addOption(
        new Option(
          '--link <profile>',
          "standing latency on the inter-DC path: transatlantic = ~80 ms RTT (40 ms each way, ±3 ms jitter), none = no added latency; may change on a running lab (default: keep the lab's, none for a new lab)",
        ).choices([...LINK_PROFILE_NAMES]),
      )
      .addOption(
        new Option(
          '--replicator-mode <mode>',
          "how MirrorMaker 2 runs: dedicated = dedicated mode, at-least-once; dedicated-eos = with exactly-once source support (KIP-618) and its source consumer at read_committed; connect = the MM2 connectors on a Kafka Connect cluster of two workers in distributed mode, configured through its REST API, at-least-once; may change on a running lab (MM2 restarts) (default: keep the lab's, dedicated for a new lab)",
        ).choices([...REPLICATOR_MODE_NAMES]),
      )
      .addOption(new Option('--timeout <seconds>', 'deadline for each readiness stage').default(240).argParser(positiveInt('--timeout')))
      .option('--json', 'print the lab state (lab.json) instead of the table')
      .action((opts: UpOptions) => up(ctx, opts));

    lab
      .command('status')
      .description('Show whether each lab process is alive (by its recorded pid, checked to still be that process). Exits 1 if any is not.')
      .addOption(dirOption())
      .option('--json', 'print the status as JSON')
      .action((opts: { dir?: string; json?: boolean }) => status(ctx, opts));

    lab
      .command('down')
      .description(
        "Stop the lab's own processes (SIGTERM, SIGKILL after a deadline) and remove its network namespaces. Keeps data and logs unless --purge.",
      )
      .addOption(dirOption())
      .option('--purge', 'also delete the lab directory (never the Kafka jar cache)')
      .action((opts: { dir?: string; purge?: boolean }) => down(ctx, opts));

    lab
      .command('fetch')
      .description(
        'Only fetch the Kafka jars from Maven Central into the cache ($MIRRORLAB_CACHE_DIR, default ${XDG_CACHE_HOME:-~/.cache}/mirrorlab). Does nothing when they are there.',
      )
      .action(async () => {
        const result = await labFetch((line) => ctx.err(line));
        ctx.out(`${result.fetched ? 'fetched' : 'already cached'}: ${result.libsDir}`);
      });

    lab
      .command('logs')
      .description('Print the end of one lab process log (source-1..3, target-1..3, mm2, redis, prometheus).')
      .argument('<process>', 'process name, e.g. source-1 or mm2')
      .addOption(dirOption())
      .addOption(new Option('-n, --lines <count>', 'number of lines').default(50).argParser(positiveInt('--lines')))
      .option('-f, --follow', 'keep printing new lines (Ctrl-C to stop)')
      .action((name: string, opts: { dir?: string; lines: number; follow?: boolean }) => logs(ctx, name, opts));

    lab
      .command('env')
      .description('Print shell exports for the running lab: eval "$(mirrorlab lab env)".')
      .addOption(dirOption())
      .action((opts: { dir?: string }) => {
        ctx.out(renderLabEnv(readLabState(labDir(ctx, opts.dir))));
      });

    // `mirrorlab lab` alone is a usage error, with the list of subcommands.
    lab.action(() => {
      lab.outputHelp({ error: true });
      throw new CliError('missing subcommand (up, status, down, fetch, logs, env)', EXIT_USAGE);
    });
  },
};

/** `mirrorlab kube up|status|down|env`: the local Kubernetes control plane of tools/kube-lab (kube-lab.sh does the work). */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { CliContext } from '../context';
import { CliError } from '../exit-codes';
import type { CommandModule } from './index';
import { repoRootFor } from './stack';

const dirOption = () => new Option('--dir <path>', 'kube-lab directory (default: <repo>/.lab/kube)').env('MIRRORLAB_KUBE_DIR');

/** Runs tools/kube-lab/kube-lab.sh with the terminal's output; a failure is exit 1 with the script's own message above it. */
function kubeLab(ctx: CliContext, args: string[], dir: string | undefined): Promise<void> {
  const root = repoRootFor(ctx);
  const full = [resolve(root, 'tools/kube-lab/kube-lab.sh'), ...args, ...(dir !== undefined ? ['--dir', resolve(ctx.cwd, dir)] : [])];
  return new Promise((done, fail) => {
    const child = spawn('bash', full, { cwd: root, env: ctx.env, stdio: 'inherit' });
    child.on('error', (error) => fail(new CliError(`tools/kube-lab/kube-lab.sh: ${error.message}`)));
    child.on('close', (code) => (code === 0 ? done() : fail(new CliError(`kube-lab ${args[0]} failed (exit ${code})`))));
  });
}

export const kubeCommand: CommandModule = {
  register(program: Command, ctx: CliContext) {
    const kube = program
      .command('kube')
      .description(
        'a local Kubernetes control plane (kube-apiserver with RBAC, controllers, scheduler, etcd, a kwok node) to apply deploy/ to; see tools/kube-lab/README.md',
      );
    const sub = (name: string, description: string, extra: string[] = []) =>
      kube
        .command(name)
        .addOption(dirOption())
        .description(description)
        .action((opts: { dir?: string; purge?: boolean }) => kubeLab(ctx, [name, ...extra, ...(opts.purge ? ['--purge'] : [])], opts.dir));
    sub('up', 'build it if needed (once, minutes), start it and wait until it is ready (about 10 s)');
    sub('status', 'show each component and whether the API answers (exit 1 if not)');
    sub('down', 'stop it (by recorded pids)').option('--purge', 'also delete its directory');
    sub('env', 'print KUBECONFIG=... and KUBE_LAB_BIN=... (kubectl is "$KUBE_LAB_BIN kubectl")');
  },
};

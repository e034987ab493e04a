/**
 * Running the host's network tools (ip, iptables, tc, sysctl), optionally inside a
 * network namespace, and capturing what they print.
 */
import { spawnSync } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The command line, for error messages. */
  command: string;
}

/** Runs `program args` (inside `netns` via `ip netns exec` when given). Never throws for a non-zero exit. */
export function runCommand(program: string, args: string[], opts: { netns?: string | null; timeoutMs?: number } = {}): CommandResult {
  const argv = opts.netns ? ['ip', 'netns', 'exec', opts.netns, program, ...args] : [program, ...args];
  const result = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: opts.timeoutMs ?? 30_000 });
  return {
    code: result.status ?? (result.error ? 127 : 1),
    stdout: result.stdout ?? '',
    stderr: `${result.stderr ?? ''}${result.error ? String(result.error) : ''}`,
    command: argv.join(' '),
  };
}

/** Short description of a failed command for error messages. */
export function describeFailure(result: CommandResult): string {
  const said = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-3).join(' | ');
  return `\`${result.command}\` exited ${result.code}${said ? `: ${said}` : ''}`;
}

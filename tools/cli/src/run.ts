import { CommanderError } from 'commander';
import { isLabError } from '@mirrorlab/lab';
import { CliError, EXIT_OK, exitCodeFor } from './exit-codes';
import type { CliContext } from './context';
import { buildProgram } from './program';

/** Runs the CLI on `args` (without the node and script entries) and returns the exit code. */
export async function runCli(args: string[], ctx: CliContext): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(args, { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    const code = exitCodeFor(error);
    if (error instanceof CommanderError) return code; // commander already printed it
    if (error instanceof CliError) ctx.err(`mirrorlab: ${error.message}`);
    else if (isLabError(error)) ctx.err(`mirrorlab: ${error.message} [${error.code}]`);
    else ctx.err(`mirrorlab: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return code;
  }
}

/**
 * The `mirrorlab` program: a commander root with every command module registered on it.
 * Commands live in ./commands, one module each; add new ones to `COMMANDS` there.
 */
import { Command } from 'commander';
import { COMMANDS } from './commands';
import type { CliContext } from './context';
import { EXIT_CODES_HELP } from './exit-codes';

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('mirrorlab')
    .description('Jepsen-style correctness and performance tests for Kafka replication (MirrorMaker 2 and friends).')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: ctx.out, writeErr: ctx.err })
    .exitOverride();
  for (const command of COMMANDS) command.register(program, ctx);
  program.addHelpText('after', `\n${EXIT_CODES_HELP}`);
  return program;
}

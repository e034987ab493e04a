/**
 * Every top-level command, each in its own module. A module registers its command (and
 * subcommands) on the root program; the order here is the order in `mirrorlab --help`.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context';
import { labCommand } from './lab';

export interface CommandModule {
  /** Adds the command to `program`. Actions throw (CliError, LabError) instead of exiting. */
  register(program: Command, ctx: CliContext): void;
}

export const COMMANDS: CommandModule[] = [labCommand];

/**
 * Every top-level command, each in its own module. A module registers its command (and
 * subcommands) on the root program; the order here is the order in `mirrorlab --help`.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context';
import { compareCommand } from './compare';
import { demoCommand } from './demo';
import { kubeCommand } from './kube';
import { labCommand } from './lab';
import { reportCommand } from './report';
import { runCommand } from './run';
import { scenariosCommand } from './scenarios';
import { stackCommand } from './stack';

export interface CommandModule {
  /** Adds the command to `program`. Actions throw (CliError, LabError) instead of exiting. */
  register(program: Command, ctx: CliContext): void;
}

export const COMMANDS: CommandModule[] = [
  demoCommand,
  runCommand,
  scenariosCommand,
  reportCommand,
  compareCommand,
  labCommand,
  stackCommand,
  kubeCommand,
];

/**
 * Exit codes of every mirrorlab command: 0 ok, 1 the thing failed (or is not healthy),
 * 2 the command line or configuration is wrong.
 */
import { CommanderError } from 'commander';
import { isLabError } from '@mirrorlab/lab';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Error a command throws to end with a given exit code and message. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Maps anything a command threw to an exit code. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // --help and --version end with exitCode 0; every parse error is a usage error.
    return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (error instanceof CliError) return error.exitCode;
  if (isLabError(error)) return error.isUsageError ? EXIT_USAGE : EXIT_FAILURE;
  return EXIT_FAILURE;
}

/**
 * Exit codes of every mirrorlab command: 0 ok, 1 the thing failed (or is not healthy),
 * 2 the command line or configuration is wrong (or the run ended in error), 3 the
 * run was inconclusive: the tester did not deliver the load asked for (or nothing at
 * all), so no conclusion about the replicator can be drawn.
 */
import { CommanderError } from 'commander';
import { isLabError } from '@mirrorlab/lab';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_INCONCLUSIVE = 3;

/** The line `--help` and README print. */
export const EXIT_CODES_HELP =
  'Exit codes: 0 ok (pass), 1 failure (fail, or not healthy), 2 usage or configuration error (or the run ended in error), 3 inconclusive (the tester did not deliver the requested load).';

/** Exit code for a scenario's verdict. */
export function exitCodeForVerdict(verdict: string): number {
  if (verdict === 'pass') return EXIT_OK;
  if (verdict === 'fail') return EXIT_FAILURE;
  if (verdict === 'inconclusive') return EXIT_INCONCLUSIVE;
  return EXIT_USAGE;
}

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

/**
 * Base error for mirrorlab: a stable `code` to switch on, and a message that
 * says what to do next. `retriable` tells callers whether trying again can help.
 */
export class MirrorlabError<C extends string = string> extends Error {
  readonly code: C;
  readonly retriable: boolean;

  constructor(code: C, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

export interface ConfigProblem {
  /** The environment variable at fault. */
  variable: string;
  /** What form the variable must take. */
  expected: string;
  /** What was found (secrets are never echoed). */
  got: string;
}

/** One or more environment variables are missing or malformed. */
export class ConfigError extends MirrorlabError<'config_invalid'> {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(
      'config_invalid',
      [
        `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}); set these environment variables and start again:`,
        ...problems.map((p) => `  ${p.variable}: expected ${p.expected}, got ${p.got}`),
      ].join('\n'),
    );
    this.problems = problems;
  }
}

/** What a command may use of the outside world; tests pass their own. */
export interface CliContext {
  /** Results (tables, JSON): stdout. */
  out: (text: string) => void;
  /** Progress and errors: stderr. */
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processContext(): CliContext {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    env: process.env,
    cwd: process.cwd(),
  };
}

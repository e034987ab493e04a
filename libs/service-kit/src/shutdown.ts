import type { Logger } from './logger';

type Hook = { name: string; run: () => Promise<void> | void };

/**
 * Runs shutdown hooks in reverse order of registration (last started, first
 * stopped), each bounded by a deadline so one stuck client cannot hang the pod
 * past its termination grace period.
 */
export class GracefulShutdown {
  private readonly hooks: Hook[] = [];
  private running: Promise<number> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly hookTimeoutMs = 10_000,
  ) {}

  register(name: string, run: Hook['run']): void {
    this.hooks.push({ name, run });
  }

  get stopping(): boolean {
    return this.running !== undefined;
  }

  /** Runs every hook once; later calls return the same promise. Resolves to the exit code. */
  shutdown(reason: string): Promise<number> {
    this.running ??= this.runHooks(reason);
    return this.running;
  }

  /** Exits the process with the hooks' result on SIGTERM or SIGINT. */
  installSignalHandlers(proc: NodeJS.Process = process): void {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      proc.once(signal, () => {
        void this.shutdown(signal).then((code) => proc.exit(code));
      });
    }
  }

  private async runHooks(reason: string): Promise<number> {
    this.logger.info('shutdown_started', { reason, hooks: this.hooks.length });
    let code = 0;
    for (const hook of [...this.hooks].reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), this.hookTimeoutMs);
      });
      try {
        const result = await Promise.race([Promise.resolve(hook.run()).then(() => 'done' as const), deadline]);
        if (result === 'timeout') {
          code = 1;
          this.logger.error('shutdown_hook_timeout', { hook: hook.name, timeoutMs: this.hookTimeoutMs });
        }
      } catch (err) {
        code = 1;
        this.logger.error('shutdown_hook_failed', { hook: hook.name, err });
      } finally {
        clearTimeout(timer);
      }
    }
    this.logger.info('shutdown_finished', { reason, exitCode: code });
    return code;
  }
}

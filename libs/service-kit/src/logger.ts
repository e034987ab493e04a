/**
 * Structured JSON logs: one event per line, with service and instance on every
 * line so logs from many replicas can be merged and filtered.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
export const LOG_LEVELS = Object.keys(LEVELS) as LogLevel[];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  service: string;
  instance: string;
  level?: LogLevel;
  /** Where lines go; defaults to stdout. Tests pass an array sink. */
  write?: (line: string) => void;
  now?: () => Date;
}

const SECRET_KEY = /pass(word)?|secret|token|credential|authorization|sasl/i;

/**
 * `scheme://user:password@` in any text. Greedy up to the last `@` before whitespace, so a
 * malformed URL (an unescaped `@` or `/` in the password) is hidden too, at the price of
 * over-redacting the rare URL with an `@` in its path.
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)(\S*)@/gi;

/**
 * Hides the password in the userinfo of every URL in `text` (`redis://app:[redacted]@host`);
 * a userinfo without a colon may itself be a token, so all of it goes.
 */
export function redactUrlCredentials(text: string): string {
  if (!text.includes('@')) return text;
  return text.replace(URL_USERINFO, (_m, scheme: string, userinfo: string) => {
    const user = /^[^:/@]*:/.exec(userinfo)?.[0] ?? '';
    return `${scheme}${user}[redacted]@`;
  });
}

/** Makes a value safe and useful in a JSON log line: errors expanded, secrets redacted, bigints stringified. */
export function toLoggable(value: unknown, depth = 0): unknown {
  if (value instanceof Error) {
    const err = value as Error & { code?: unknown; cause?: unknown };
    return {
      name: err.name,
      message: redactUrlCredentials(err.message),
      ...(err.code !== undefined ? { code: err.code } : {}),
      ...(err.stack ? { stack: redactUrlCredentials(err.stack.split('\n').slice(0, 6).join('\n')) } : {}),
      ...(err.cause !== undefined && depth < 3 ? { cause: toLoggable(err.cause, depth + 1) } : {}),
    };
  }
  if (typeof value === 'string') return redactUrlCredentials(value);
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  if (Array.isArray(value)) return depth > 4 ? '[...]' : value.map((v) => toLoggable(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    if (depth > 4) return '{...}';
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null ? '[redacted]' : toLoggable(v, depth + 1);
    return out;
  }
  return value;
}

export function createLogger(options: LoggerOptions, bound: LogFields = {}): Logger {
  const threshold = LEVELS[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const emit = (level: LogLevel, event: string, fields?: LogFields) => {
    if (LEVELS[level] < threshold) return;
    const line = {
      ts: now().toISOString(),
      level,
      service: options.service,
      instance: options.instance,
      event,
      ...(toLoggable({ ...bound, ...fields }) as LogFields),
    };
    write(JSON.stringify(line));
  };
  return {
    debug: (e, f) => emit('debug', e, f),
    info: (e, f) => emit('info', e, f),
    warn: (e, f) => emit('warn', e, f),
    error: (e, f) => emit('error', e, f),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

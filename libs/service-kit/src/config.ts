import { parseDuration } from '@mirrorlab/protocol';
import { ConfigError, type ConfigProblem } from './errors';
import { redactUrlCredentials } from './logger';

/**
 * Environment configuration, parsed once at start by a schema. Each field names
 * its variable and the form it expects, so a bad value produces
 * `KAFKA_BROKERS: expected a comma-separated list of host:port, got ""` and not a stack trace.
 */
export interface EnvVar<T> {
  readonly form: string;
  readonly secret: boolean;
  /** Returns the value, or a string saying why `raw` is not acceptable. */
  parse(raw: string | undefined): { ok: true; value: T } | { ok: false };
}

type Env = Record<string, string | undefined>;
export type EnvSchema = Record<string, EnvVar<unknown>>;
export type ConfigOf<S extends EnvSchema> = { [K in keyof S]: S[K] extends EnvVar<infer T> ? T : never };

function variable<T>(
  form: string,
  parseDefined: (raw: string) => T | undefined,
  fallback: { value?: T; has: boolean },
  secret = false,
): EnvVar<T> {
  return {
    form,
    secret,
    parse(raw) {
      if (raw === undefined || raw === '') {
        return fallback.has ? { ok: true, value: fallback.value as T } : { ok: false };
      }
      const value = parseDefined(raw);
      return value === undefined ? { ok: false } : { ok: true, value };
    },
  };
}

interface Opts<T> {
  default?: T;
}
const fallbackOf = <T>(opts: Opts<T> | undefined) => ({ has: opts !== undefined && 'default' in opts, value: opts?.default });

export const env = {
  string: (opts?: Opts<string> & { secret?: boolean }) =>
    variable<string>('a non-empty string', (raw) => raw, fallbackOf(opts), opts?.secret ?? false),
  optionalString: (opts?: { secret?: boolean }) =>
    variable<string | undefined>('a string (optional)', (raw) => raw, { has: true, value: undefined }, opts?.secret ?? false),
  int: (opts?: Opts<number> & { min?: number; max?: number }) => {
    const min = opts?.min ?? Number.MIN_SAFE_INTEGER;
    const max = opts?.max ?? Number.MAX_SAFE_INTEGER;
    const range = opts?.min !== undefined || opts?.max !== undefined ? ` from ${min} to ${max}` : '';
    return variable<number>(
      `an integer${range}`,
      (raw) => {
        if (!/^-?\d+$/.test(raw.trim())) return undefined;
        const n = Number(raw);
        return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
      },
      fallbackOf(opts),
    );
  },
  number: (opts?: Opts<number> & { min?: number; max?: number }) =>
    variable<number>(
      `a number${opts?.min !== undefined ? ` >= ${opts.min}` : ''}${opts?.max !== undefined ? ` <= ${opts.max}` : ''}`,
      (raw) => {
        const n = Number(raw);
        if (raw.trim() === '' || !Number.isFinite(n)) return undefined;
        if (opts?.min !== undefined && n < opts.min) return undefined;
        if (opts?.max !== undefined && n > opts.max) return undefined;
        return n;
      },
      fallbackOf(opts),
    ),
  port: (opts?: Opts<number>) =>
    variable<number>(
      'a TCP port from 0 to 65535',
      (raw) => {
        if (!/^\d+$/.test(raw)) return undefined;
        const n = Number(raw);
        return n <= 65535 ? n : undefined;
      },
      fallbackOf(opts),
    ),
  bool: (opts?: Opts<boolean>) =>
    variable<boolean>(
      'true or false',
      (raw) => {
        const v = raw.trim().toLowerCase();
        if (['true', '1', 'yes', 'on'].includes(v)) return true;
        if (['false', '0', 'no', 'off'].includes(v)) return false;
        return undefined;
      },
      fallbackOf(opts),
    ),
  oneOf: <const T extends string>(values: readonly T[], opts?: Opts<T>) =>
    variable<T>(
      `one of ${values.join(', ')}`,
      (raw) => ((values as readonly string[]).includes(raw) ? (raw as T) : undefined),
      fallbackOf(opts),
    ),
  duration: (opts?: Opts<number>) => variable<number>('a duration like 500ms, 30s, 5m or 1h', parseDuration, fallbackOf(opts)),
  /** Comma-separated `host:port` pairs, e.g. Kafka bootstrap servers. */
  hostPorts: (opts?: Opts<string[]>) =>
    variable<string[]>(
      'a comma-separated list of host:port',
      (raw) => {
        const parts = raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const ok = parts.length > 0 && parts.every((p) => /^[^\s:]+:\d{1,5}$/.test(p) || /^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(p));
        return ok ? parts : undefined;
      },
      fallbackOf(opts),
    ),
  /** Comma-separated non-negative integers. */
  intList: (opts?: Opts<number[]>) =>
    variable<number[]>(
      'a comma-separated list of non-negative integers',
      (raw) => {
        const parts = raw.split(',').map((x) => x.trim());
        return parts.every((x) => /^\d+$/.test(x) && Number.isSafeInteger(Number(x))) ? parts.map(Number) : undefined;
      },
      fallbackOf(opts),
    ),
  url: (opts?: Opts<string> & { protocols?: string[] }) => {
    const protocols = opts?.protocols;
    return variable<string>(
      `a URL${protocols ? ` (${protocols.join(' or ')})` : ''}`,
      (raw) => {
        try {
          const u = new URL(raw);
          return !protocols || protocols.includes(u.protocol.replace(/:$/, '')) ? raw : undefined;
        } catch {
          return undefined;
        }
      },
      fallbackOf(opts),
    );
  },
};

function describeGot(raw: string | undefined, secret: boolean): string {
  if (raw === undefined) return 'nothing (the variable is not set)';
  if (raw === '') return 'an empty string';
  if (secret) return 'a value that does not fit (not shown: secret)';
  // Redacted before it is cut short: a cut could drop the `@` that marks the password.
  const shown = redactUrlCredentials(raw);
  return JSON.stringify(shown.length > 80 ? `${shown.slice(0, 77)}...` : shown);
}

/** Parses every variable of `schema` from `source`; throws one ConfigError listing every problem. */
export function loadConfig<S extends EnvSchema>(schema: S, source: Env = process.env): ConfigOf<S> {
  const problems: ConfigProblem[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(schema)) {
    const raw = source[name];
    const parsed = spec.parse(raw);
    if (parsed.ok) out[name] = parsed.value;
    else problems.push({ variable: name, expected: spec.form, got: describeGot(raw, spec.secret) });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as ConfigOf<S>;
}

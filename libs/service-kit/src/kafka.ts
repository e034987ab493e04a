import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
// kafkajs's negative timeout, fixed where it is scheduled (libs/lab owns the fix: its worker threads need it too).
import '@mirrorlab/lab/kafkajs-timeout-fix';
import { env, type ConfigOf } from './config';
import { ConfigError, type ConfigProblem } from './errors';
import type { Logger } from './logger';

/**
 * Env variables for one Kafka cluster, all under a prefix (SOURCE_KAFKA, TARGET_KAFKA,
 * CONTROL_KAFKA...): brokers, SASL (plain / SCRAM) and TLS (a CA to trust, and a client
 * certificate and key for clusters that authenticate clients by mTLS).
 */
export function kafkaEnv<P extends string>(prefix: P, opts: { brokersDefault?: string[] } = {}) {
  return {
    [`${prefix}_BROKERS`]: env.hostPorts(opts.brokersDefault ? { default: opts.brokersDefault } : undefined),
    [`${prefix}_SASL_MECHANISM`]: env.oneOf(['none', 'plain', 'scram-sha-256', 'scram-sha-512'] as const, { default: 'none' }),
    [`${prefix}_SASL_USERNAME`]: env.optionalString(),
    [`${prefix}_SASL_PASSWORD`]: env.optionalString({ secret: true }),
    [`${prefix}_TLS`]: env.bool({ default: false }),
    [`${prefix}_TLS_CA_FILE`]: env.optionalString(),
    [`${prefix}_TLS_CERT_FILE`]: env.optionalString(),
    [`${prefix}_TLS_KEY_FILE`]: env.optionalString(),
    [`${prefix}_TLS_REJECT_UNAUTHORIZED`]: env.bool({ default: true }),
  } as KafkaEnvSchema<P>;
}

type KafkaEnvSchema<P extends string> = {
  [K in `${P}_BROKERS`]: ReturnType<typeof env.hostPorts>;
} & { [K in `${P}_SASL_MECHANISM`]: ReturnType<typeof env.oneOf<'none' | 'plain' | 'scram-sha-256' | 'scram-sha-512'>> } & {
  [K in `${P}_SASL_USERNAME` | `${P}_SASL_PASSWORD` | `${P}_TLS_CA_FILE` | `${P}_TLS_CERT_FILE` | `${P}_TLS_KEY_FILE`]: ReturnType<
    typeof env.optionalString
  >;
} & { [K in `${P}_TLS` | `${P}_TLS_REJECT_UNAUTHORIZED`]: ReturnType<typeof env.bool> };

export interface KafkaConnection {
  brokers: string[];
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  tls?: { caFile?: string; certFile?: string; keyFile?: string; rejectUnauthorized: boolean };
}

function unreadable(file: string): string | undefined {
  try {
    if (!statSync(file).isFile()) return 'not a file';
    accessSync(file, constants.R_OK);
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'unreadable';
  }
}

const TLS_FILES = { caFile: 'TLS_CA_FILE', certFile: 'TLS_CERT_FILE', keyFile: 'TLS_KEY_FILE' } as const;

/** The TLS settings when `<prefix>_TLS` is on; every file named must be readable now, not at the first connection. */
function tlsFrom(c: Record<string, unknown>, prefix: string): KafkaConnection['tls'] {
  if (!c[`${prefix}_TLS`]) return undefined;
  const tls: NonNullable<KafkaConnection['tls']> = { rejectUnauthorized: c[`${prefix}_TLS_REJECT_UNAUTHORIZED`] as boolean };
  const problems: ConfigProblem[] = [];
  for (const [field, suffix] of Object.entries(TLS_FILES) as Array<[keyof typeof TLS_FILES, string]>) {
    const file = c[`${prefix}_${suffix}`] as string | undefined;
    if (file === undefined) continue;
    const why = unreadable(file);
    if (why)
      problems.push({
        variable: `${prefix}_${suffix}`,
        expected: 'the path of a readable PEM file',
        got: `${JSON.stringify(file)} (${why})`,
      });
    tls[field] = file;
  }
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) {
    problems.push({
      variable: `${prefix}_TLS_CERT_FILE / ${prefix}_TLS_KEY_FILE`,
      expected: 'both set for a client certificate, or neither',
      got: tls.certFile ? 'only a certificate' : 'only a key',
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return tls;
}

/** Picks one cluster's settings out of a parsed config; checks that SASL has both user and password and that TLS files are readable. */
export function kafkaConnectionFrom<P extends string>(config: ConfigOf<KafkaEnvSchema<P>>, prefix: P): KafkaConnection {
  const c = config as Record<string, unknown>;
  const mechanism = c[`${prefix}_SASL_MECHANISM`] as 'none' | 'plain' | 'scram-sha-256' | 'scram-sha-512';
  const username = c[`${prefix}_SASL_USERNAME`] as string | undefined;
  const password = c[`${prefix}_SASL_PASSWORD`] as string | undefined;
  if (mechanism !== 'none' && (!username || !password)) {
    throw new ConfigError([
      {
        variable: `${prefix}_SASL_USERNAME / ${prefix}_SASL_PASSWORD`,
        expected: `both set when ${prefix}_SASL_MECHANISM=${mechanism}`,
        got: `${username ? 'a username' : 'no username'} and ${password ? 'a password' : 'no password'}`,
      },
    ]);
  }
  const tls = tlsFrom(c, prefix);
  return {
    brokers: c[`${prefix}_BROKERS`] as string[],
    ...(mechanism !== 'none' ? { sasl: { mechanism, username: username!, password: password! } } : {}),
    ...(tls ? { tls } : {}),
  };
}

const LEVEL_NAMES: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** Node TLS options: the CA replaces the default trust store; cert and key present a client certificate. */
function tlsOptions(tls: NonNullable<KafkaConnection['tls']>): NonNullable<Exclude<KafkaConfig['ssl'], boolean>> {
  return {
    rejectUnauthorized: tls.rejectUnauthorized,
    ...(tls.caFile ? { ca: [readFileSync(tls.caFile, 'utf8')] } : {}),
    ...(tls.certFile ? { cert: readFileSync(tls.certFile, 'utf8') } : {}),
    ...(tls.keyFile ? { key: readFileSync(tls.keyFile, 'utf8') } : {}),
  };
}

/** kafkajs options for a connection; kafkajs's own logs go through our JSON logger. */
export function kafkaClientConfig(conn: KafkaConnection, clientId: string, logger: Logger): KafkaConfig {
  const log = logger.child({ component: 'kafkajs' });
  const sasl: SASLOptions | undefined = conn.sasl
    ? ({ mechanism: conn.sasl.mechanism, username: conn.sasl.username, password: conn.sasl.password } as SASLOptions)
    : undefined;
  return {
    clientId,
    brokers: conn.brokers,
    ...(sasl ? { sasl } : {}),
    ...(conn.tls ? { ssl: tlsOptions(conn.tls) } : {}),
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }) => {
        const { message, ...rest } = entry;
        log[LEVEL_NAMES[level] ?? 'info']('kafkajs', { message, ...rest });
      },
  };
}

export function createKafka(conn: KafkaConnection, clientId: string, logger: Logger): Kafka {
  return new Kafka(kafkaClientConfig(conn, clientId, logger));
}

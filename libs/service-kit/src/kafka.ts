import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import { env, type ConfigOf } from './config';
import { ConfigError } from './errors';
import type { Logger } from './logger';

/**
 * Env variables for one Kafka cluster, all under a prefix (SOURCE_KAFKA, TARGET_KAFKA,
 * CONTROL_KAFKA...): brokers, SASL (plain / SCRAM) and TLS.
 */
export function kafkaEnv<P extends string>(prefix: P, opts: { brokersDefault?: string[] } = {}) {
  return {
    [`${prefix}_BROKERS`]: env.hostPorts(opts.brokersDefault ? { default: opts.brokersDefault } : undefined),
    [`${prefix}_SASL_MECHANISM`]: env.oneOf(['none', 'plain', 'scram-sha-256', 'scram-sha-512'] as const, { default: 'none' }),
    [`${prefix}_SASL_USERNAME`]: env.optionalString(),
    [`${prefix}_SASL_PASSWORD`]: env.optionalString({ secret: true }),
    [`${prefix}_TLS`]: env.bool({ default: false }),
    [`${prefix}_TLS_CA_FILE`]: env.optionalString(),
    [`${prefix}_TLS_REJECT_UNAUTHORIZED`]: env.bool({ default: true }),
  } as KafkaEnvSchema<P>;
}

type KafkaEnvSchema<P extends string> = {
  [K in `${P}_BROKERS`]: ReturnType<typeof env.hostPorts>;
} & { [K in `${P}_SASL_MECHANISM`]: ReturnType<typeof env.oneOf<'none' | 'plain' | 'scram-sha-256' | 'scram-sha-512'>> } & {
  [K in `${P}_SASL_USERNAME` | `${P}_SASL_PASSWORD` | `${P}_TLS_CA_FILE`]: ReturnType<typeof env.optionalString>;
} & { [K in `${P}_TLS` | `${P}_TLS_REJECT_UNAUTHORIZED`]: ReturnType<typeof env.bool> };

export interface KafkaConnection {
  brokers: string[];
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  tls?: { caFile?: string; rejectUnauthorized: boolean };
}

/** Picks one cluster's settings out of a parsed config; checks that SASL has both user and password. */
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
  return {
    brokers: c[`${prefix}_BROKERS`] as string[],
    ...(mechanism !== 'none' ? { sasl: { mechanism, username: username!, password: password! } } : {}),
    ...(c[`${prefix}_TLS`]
      ? { tls: { caFile: c[`${prefix}_TLS_CA_FILE`] as string | undefined, rejectUnauthorized: c[`${prefix}_TLS_REJECT_UNAUTHORIZED`] as boolean } }
      : {}),
  };
}

const LEVEL_NAMES: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

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
    ...(conn.tls
      ? { ssl: { rejectUnauthorized: conn.tls.rejectUnauthorized, ...(conn.tls.caFile ? { ca: [readFileSync(conn.tls.caFile, 'utf8')] } : {}) } }
      : {}),
    logLevel: logLevel.WARN,
    logCreator: () => ({ level, log: entry }) => {
      const { message, ...rest } = entry;
      log[LEVEL_NAMES[level] ?? 'info']('kafkajs', { message, ...rest });
    },
  };
}

export function createKafka(conn: KafkaConnection, clientId: string, logger: Logger): Kafka {
  return new Kafka(kafkaClientConfig(conn, clientId, logger));
}

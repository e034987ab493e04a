import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config';
import { ConfigError } from './errors';
import { kafkaClientConfig, kafkaConnectionFrom, kafkaEnv } from './kafka';
import { createLogger } from './logger';

const logger = createLogger({ service: 't', instance: 't', write: () => undefined });
const schema = { ...kafkaEnv('SOURCE_KAFKA'), ...kafkaEnv('CONTROL_KAFKA') };
let dir: string;
const pem = (name: string) => `-----BEGIN ${name}-----\n${name.toLowerCase()}-body\n-----END ${name}-----\n`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kafka-tls-'));
  writeFileSync(join(dir, 'ca.pem'), pem('CERTIFICATE'));
  writeFileSync(join(dir, 'client.pem'), pem('CLIENT CERTIFICATE'));
  writeFileSync(join(dir, 'client.key'), pem('PRIVATE KEY'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The kafkajs config a service builds for one cluster from its environment. */
function clientConfigFrom(env: Record<string, string>, prefix: 'SOURCE_KAFKA' | 'CONTROL_KAFKA' = 'SOURCE_KAFKA') {
  const config = loadConfig(schema, { SOURCE_KAFKA_BROKERS: 's1:9092,s2:9092', CONTROL_KAFKA_BROKERS: 'c:9092', ...env });
  return kafkaClientConfig(kafkaConnectionFrom(config, prefix), 'client-1', logger);
}

function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('kafka client config from env', () => {
  it('carries SCRAM-SHA-512 credentials and TLS with CA, client certificate and key exactly', () => {
    const config = clientConfigFrom({
      SOURCE_KAFKA_SASL_MECHANISM: 'scram-sha-512',
      SOURCE_KAFKA_SASL_USERNAME: 'mirrorlab-producer',
      SOURCE_KAFKA_SASL_PASSWORD: 'p@ss word:with=odd chars',
      SOURCE_KAFKA_TLS: 'true',
      SOURCE_KAFKA_TLS_CA_FILE: join(dir, 'ca.pem'),
      SOURCE_KAFKA_TLS_CERT_FILE: join(dir, 'client.pem'),
      SOURCE_KAFKA_TLS_KEY_FILE: join(dir, 'client.key'),
      SOURCE_KAFKA_TLS_REJECT_UNAUTHORIZED: 'false',
    });
    expect(config.clientId).toBe('client-1');
    expect(config.brokers).toEqual(['s1:9092', 's2:9092']);
    expect(config.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'mirrorlab-producer', password: 'p@ss word:with=odd chars' });
    expect(config.ssl).toEqual({
      rejectUnauthorized: false,
      ca: [pem('CERTIFICATE')],
      cert: pem('CLIENT CERTIFICATE'),
      key: pem('PRIVATE KEY'),
    });
  });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'] as const)('passes the %s mechanism through', (mechanism) => {
    const config = clientConfigFrom({
      SOURCE_KAFKA_SASL_MECHANISM: mechanism,
      SOURCE_KAFKA_SASL_USERNAME: 'u',
      SOURCE_KAFKA_SASL_PASSWORD: 'p',
    });
    expect(config.sasl).toEqual({ mechanism, username: 'u', password: 'p' });
    expect(config.ssl).toBeUndefined();
  });

  it('uses no SASL and no TLS by default; TLS alone verifies the server against the system CAs', () => {
    const plain = clientConfigFrom({});
    expect(plain.sasl).toBeUndefined();
    expect(plain.ssl).toBeUndefined();
    expect(clientConfigFrom({ SOURCE_KAFKA_TLS: 'true' }).ssl).toEqual({ rejectUnauthorized: true });
    // File variables do nothing while TLS is off (and are not checked).
    expect(clientConfigFrom({ SOURCE_KAFKA_TLS_CA_FILE: '/nowhere/ca.pem' }).ssl).toBeUndefined();
  });

  it("keeps each cluster's settings under its own prefix", () => {
    const env = {
      SOURCE_KAFKA_SASL_MECHANISM: 'scram-sha-256',
      SOURCE_KAFKA_SASL_USERNAME: 'src',
      SOURCE_KAFKA_SASL_PASSWORD: 'src-pw',
      CONTROL_KAFKA_TLS: 'true',
    };
    expect(clientConfigFrom(env, 'CONTROL_KAFKA')).toMatchObject({ brokers: ['c:9092'], ssl: { rejectUnauthorized: true } });
    expect(clientConfigFrom(env, 'CONTROL_KAFKA').sasl).toBeUndefined();
    expect(clientConfigFrom(env, 'SOURCE_KAFKA').ssl).toBeUndefined();
  });

  it('refuses a mechanism without both credentials, naming the variables and never the password', () => {
    const err = configErrorOf(() =>
      clientConfigFrom({ SOURCE_KAFKA_SASL_MECHANISM: 'scram-sha-512', SOURCE_KAFKA_SASL_PASSWORD: 'hunter2' }),
    );
    expect(err.message).toContain(
      'SOURCE_KAFKA_SASL_USERNAME / SOURCE_KAFKA_SASL_PASSWORD: expected both set when SOURCE_KAFKA_SASL_MECHANISM=scram-sha-512, got no username and a password',
    );
    expect(err.message).not.toContain('hunter2');
  });

  it('refuses unreadable TLS files and a certificate without its key, at start', () => {
    const err = configErrorOf(() =>
      clientConfigFrom({
        SOURCE_KAFKA_TLS: 'true',
        SOURCE_KAFKA_TLS_CA_FILE: join(dir, 'missing.pem'),
        SOURCE_KAFKA_TLS_CERT_FILE: join(dir, 'client.pem'),
      }),
    );
    expect(err.problems).toEqual([
      {
        variable: 'SOURCE_KAFKA_TLS_CA_FILE',
        expected: 'the path of a readable PEM file',
        got: `${JSON.stringify(join(dir, 'missing.pem'))} (ENOENT)`,
      },
      {
        variable: 'SOURCE_KAFKA_TLS_CERT_FILE / SOURCE_KAFKA_TLS_KEY_FILE',
        expected: 'both set for a client certificate, or neither',
        got: 'only a certificate',
      },
    ]);
    expect(configErrorOf(() => clientConfigFrom({ SOURCE_KAFKA_TLS: 'true', SOURCE_KAFKA_TLS_CA_FILE: dir })).problems[0].got).toContain(
      '(not a file)',
    );
  });

  it("routes kafkajs's own log lines through the JSON logger, secrets redacted", () => {
    const lines: string[] = [];
    const config = kafkaClientConfig({ brokers: ['b:1'] }, 'c', createLogger({ service: 's', instance: 'i', write: (l) => lines.push(l) }));
    const log = config.logCreator!(config.logLevel!);
    log({
      namespace: 'Connection',
      level: 1,
      label: 'ERROR',
      log: { timestamp: 't', message: 'Connection error', broker: 'b:1', sasl: { password: 'hunter2' } },
    });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 'error',
      component: 'kafkajs',
      event: 'kafkajs',
      message: 'Connection error',
      broker: 'b:1',
      sasl: '[redacted]',
    });
  });
});

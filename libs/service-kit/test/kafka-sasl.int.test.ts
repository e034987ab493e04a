import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { startSaslBroker, type SaslBroker } from '@mirrorlab/lab';
import { createKafka, createLogger, kafkaConnectionFrom, kafkaEnv, loadConfig } from '../src';

/**
 * The kafkajs client service-kit builds from SOURCE_KAFKA_SASL_* against a real broker
 * whose only listener is SASL_PLAINTEXT with SCRAM-SHA-512 (one KRaft node from the lab's
 * jars, users created when its storage is formatted; no lab needed).
 */
jest.setTimeout(180_000);

// `=`, `]`, `@` and `:` in the password: it must reach the broker exactly, not cut at a separator.
const user = { name: 'mirrorlab-it', password: `pw=]@:${randomBytes(8).toString('hex')}` };
let dir: string;
let broker: SaslBroker;
const logLines: string[] = [];
const logger = createLogger({ service: 'sasl-it', instance: 'i', write: (l) => logLines.push(l) });

function kafkaFromEnv(env: Record<string, string>): Kafka {
  const config = loadConfig(kafkaEnv('SOURCE_KAFKA'), { SOURCE_KAFKA_BROKERS: broker.bootstrap, ...env });
  return createKafka(kafkaConnectionFrom(config, 'SOURCE_KAFKA'), 'sasl-it', logger);
}

const scram = (password: string, mechanism = 'scram-sha-512', username = user.name) => ({
  SOURCE_KAFKA_SASL_MECHANISM: mechanism,
  SOURCE_KAFKA_SASL_USERNAME: username,
  SOURCE_KAFKA_SASL_PASSWORD: password,
});

/** The error an admin client's first request fails with (connect is lazy in kafkajs). */
async function loginError(kafka: Kafka): Promise<Error & { retriable?: boolean; type?: string }> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
  } catch (err) {
    return err as Error;
  } finally {
    await admin.disconnect();
  }
  throw new Error('expected the login to fail');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mirrorlab-sasl-broker-'));
  broker = await startSaslBroker({ dir, users: [user], mechanism: 'SCRAM-SHA-512' });
});

afterAll(async () => {
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('with the right SCRAM-SHA-512 credentials from env: creates and lists a topic, produces a record and consumes it back', async () => {
  const kafka = kafkaFromEnv(scram(user.password));
  const topic = `sasl-it-${randomBytes(3).toString('hex')}`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] });
    expect(await admin.listTopics()).toContain(topic);
  } finally {
    await admin.disconnect();
  }

  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'over SASL' }] });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: `${topic}-group` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const value = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the record did not come back within 60 s')), 60_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer);
          resolve(String(message.value));
        },
      });
    });
    expect(value).toBe('over SASL');
  } finally {
    await consumer.disconnect();
  }
});

test('a wrong password or an unknown user fails at once with a SASL authentication error that says so', async () => {
  for (const kafka of [kafkaFromEnv(scram(`${user.password}x`)), kafkaFromEnv(scram(user.password, 'scram-sha-512', 'nobody'))]) {
    const err = await loginError(kafka);
    expect(err.name).toBe('KafkaJSSASLAuthenticationError');
    expect(err.message).toBe(
      'SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512',
    );
    expect(err.retriable).toBe(false);
  }
});

test('the mechanism from env is the one used: SCRAM-SHA-256, not enabled on this listener, is refused as unsupported', async () => {
  const err = await loginError(kafkaFromEnv(scram(user.password, 'scram-sha-256')));
  expect(err.name).toBe('KafkaJSProtocolError');
  expect(err.message).toBe('The broker does not support the requested SASL mechanism');
  expect(err.type).toBe('UNSUPPORTED_SASL_MECHANISM');
});

test('nothing the clients logged holds the password', () => {
  expect(logLines.join('\n')).not.toContain(user.password);
});

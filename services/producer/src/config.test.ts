import { ConfigError, loadConfig } from '@mirrorlab/service-kit';
import { producerEnv } from './config';

const brokers = { SOURCE_KAFKA_BROKERS: 'source:9092', CONTROL_KAFKA_BROKERS: 'control:9092' };

describe('producerEnv BATCH_BYTES', () => {
  it("defaults to librdkafka's own batch.size, 1,000,000 bytes", () => {
    expect(loadConfig(producerEnv, brokers).BATCH_BYTES).toBe(1_000_000);
  });

  it('takes a whole number of bytes', () => {
    expect(loadConfig(producerEnv, { ...brokers, BATCH_BYTES: '262144' }).BATCH_BYTES).toBe(262_144);
  });

  it.each(['0', '1MiB', '-5', '2147483648'])('refuses %p, naming the variable and the form it expects', (raw) => {
    let error: unknown;
    try {
      loadConfig(producerEnv, { ...brokers, BATCH_BYTES: raw });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      { variable: 'BATCH_BYTES', expected: 'an integer from 1 to 2147483647', got: JSON.stringify(raw) },
    ]);
  });
});

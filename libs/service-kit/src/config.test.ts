import { ConfigError } from './errors';
import { env, loadConfig } from './config';

const schema = {
  PORT: env.port({ default: 8080 }),
  KAFKA_BROKERS: env.hostPorts(),
  RATE: env.int({ min: 1, max: 1000, default: 10 }),
  ACKS: env.oneOf(['all', 'leader', 'none'] as const, { default: 'all' }),
  DEBUG: env.bool({ default: false }),
  INTERVAL: env.duration({ default: 5000 }),
  PASSWORD: env.optionalString({ secret: true }),
  REDIS_URL: env.url({ protocols: ['redis', 'rediss'], default: 'redis://127.0.0.1:6379' }),
};

function problemsOf(source: Record<string, string>) {
  try {
    loadConfig(schema, source);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('parses values and applies defaults', () => {
    const c = loadConfig(schema, { KAFKA_BROKERS: 'a:9092, b:9093', RATE: '50', DEBUG: 'yes', INTERVAL: '2.5s' });
    expect(c).toEqual({
      PORT: 8080,
      KAFKA_BROKERS: ['a:9092', 'b:9093'],
      RATE: 50,
      ACKS: 'all',
      DEBUG: true,
      INTERVAL: 2500,
      PASSWORD: undefined,
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
  });

  it('names the missing variable and the form it expects', () => {
    expect(problemsOf({})).toEqual([
      { variable: 'KAFKA_BROKERS', expected: 'a comma-separated list of host:port', got: 'nothing (the variable is not set)' },
    ]);
  });

  it('lists every malformed variable at once', () => {
    const problems = problemsOf({
      KAFKA_BROKERS: 'nohostport',
      PORT: '70000',
      RATE: '0',
      ACKS: 'some',
      INTERVAL: '5 minutes',
      REDIS_URL: 'http://x',
    });
    expect(problems.map((p) => p.variable)).toEqual(['PORT', 'KAFKA_BROKERS', 'RATE', 'ACKS', 'INTERVAL', 'REDIS_URL']);
    expect(problems.find((p) => p.variable === 'RATE')).toEqual({ variable: 'RATE', expected: 'an integer from 1 to 1000', got: '"0"' });
    expect(problems.find((p) => p.variable === 'ACKS')?.expected).toBe('one of all, leader, none');
  });

  it('never echoes the password of a URL it shows, even in a long value it cuts short', () => {
    const password = 'pw-' + 'x'.repeat(90);
    const problems = problemsOf({ KAFKA_BROKERS: 'a:1', REDIS_URL: `http://app:${password}@redis.example:6379` });
    expect(problems).toEqual([
      { variable: 'REDIS_URL', expected: 'a URL (redis or rediss)', got: '"http://app:[redacted]@redis.example:6379"' },
    ]);
  });

  it('never echoes a secret value', () => {
    const s = { TOKEN: env.int({ default: 1 }), SECRET: { ...env.int(), secret: true } };
    try {
      loadConfig(s, { SECRET: 'hunter2' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect((err as Error).message).not.toContain('hunter2');
      expect((err as Error).message).toContain('SECRET: expected an integer');
    }
  });

  it('formats a message that says what to do', () => {
    try {
      loadConfig(schema, { KAFKA_BROKERS: '' });
    } catch (err) {
      expect((err as Error).message).toBe(
        'invalid configuration (1 problem); set these environment variables and start again:\n  KAFKA_BROKERS: expected a comma-separated list of host:port, got an empty string',
      );
    }
  });
});

import { createLogger, redactUrlCredentials } from './logger';

function capture(level: 'debug' | 'info' = 'info') {
  const lines: string[] = [];
  const logger = createLogger({ service: 'svc', instance: 'i-1', level, write: (l) => lines.push(l), now: () => new Date(0) });
  return { logger, events: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('writes one JSON object per event with service, instance and fields', () => {
    const { logger, events } = capture();
    logger.info('started', { port: 8080 });
    expect(events()).toEqual([
      { ts: '1970-01-01T00:00:00.000Z', level: 'info', service: 'svc', instance: 'i-1', event: 'started', port: 8080 },
    ]);
  });

  it('drops events below the level', () => {
    const { logger, events } = capture('info');
    logger.debug('noise');
    logger.warn('kept');
    expect(events().map((e) => e.event)).toEqual(['kept']);
  });

  it('binds fields in children', () => {
    const { logger, events } = capture();
    logger.child({ scenario: 's1' }).child({ topic: 't' }).error('failed');
    expect(events()[0]).toMatchObject({ scenario: 's1', topic: 't', level: 'error' });
  });

  it('redacts secrets at any depth and expands errors', () => {
    const { logger, events } = capture();
    const err = Object.assign(new Error('boom', { cause: new Error('root') }), { code: 'x_failed' });
    logger.error('oops', { sasl: { mechanism: 'plain', password: 'p' }, apiToken: 't', err, big: 10n });
    const e = events()[0];
    expect(e.sasl).toBe('[redacted]');
    expect(e.apiToken).toBe('[redacted]');
    expect(e.big).toBe('10');
    expect(e.err).toMatchObject({ name: 'Error', message: 'boom', code: 'x_failed', cause: { message: 'root' } });
    expect(JSON.stringify(e)).not.toMatch(/"p"|"t"/);
  });

  it('hides passwords of URLs in any field, message or stack', () => {
    const { logger, events } = capture();
    const err = new Error('could not reach redis://app:hunter2@10.0.0.1:6379/0', { cause: new Error('at rediss://:tok3n@h:6380') });
    logger.warn('redis_error', { url: 'redis://:hunter2@127.0.0.1:6379', list: ['amqp://u:p4ss@q'], err });
    const line = JSON.stringify(events()[0]);
    for (const secret of ['hunter2', 'tok3n', 'p4ss']) expect(line).not.toContain(secret);
    expect(events()[0]).toMatchObject({
      url: 'redis://:[redacted]@127.0.0.1:6379',
      list: ['amqp://u:[redacted]@q'],
      err: { message: 'could not reach redis://app:[redacted]@10.0.0.1:6379/0' },
    });
  });
});

describe('redactUrlCredentials', () => {
  it.each([
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['redis://:pw@h:1/2', 'redis://:[redacted]@h:1/2'],
    ['redis://user:pw@h', 'redis://user:[redacted]@h'],
    ['https://token@h/x', 'https://[redacted]@h/x'],
    ['redis://:p@ss/w@rd@h:1', 'redis://:[redacted]@h:1'],
    ['two: http://a:b@x and http://c:d@y.', 'two: http://a:[redacted]@x and http://c:[redacted]@y.'],
    ['mail alice@example.com', 'mail alice@example.com'],
  ])('%s', (text, redacted) => {
    expect(redactUrlCredentials(text)).toBe(redacted);
  });
});

import { createLogger } from './logger';

function capture(level: 'debug' | 'info' = 'info') {
  const lines: string[] = [];
  const logger = createLogger({ service: 'svc', instance: 'i-1', level, write: (l) => lines.push(l), now: () => new Date(0) });
  return { logger, events: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('writes one JSON object per event with service, instance and fields', () => {
    const { logger, events } = capture();
    logger.info('started', { port: 8080 });
    expect(events()).toEqual([{ ts: '1970-01-01T00:00:00.000Z', level: 'info', service: 'svc', instance: 'i-1', event: 'started', port: 8080 }]);
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
});

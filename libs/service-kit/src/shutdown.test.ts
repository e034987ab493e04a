import { createLogger } from './logger';
import { GracefulShutdown } from './shutdown';

const logger = createLogger({ service: 't', instance: 't', write: () => undefined });

describe('GracefulShutdown', () => {
  it('runs hooks once, last registered first, and exits 0', async () => {
    const order: string[] = [];
    const s = new GracefulShutdown(logger);
    s.register('http', () => void order.push('http'));
    s.register('kafka', async () => void order.push('kafka'));
    const [a, b] = await Promise.all([s.shutdown('SIGTERM'), s.shutdown('again')]);
    expect([a, b]).toEqual([0, 0]);
    expect(order).toEqual(['kafka', 'http']);
    expect(s.stopping).toBe(true);
  });

  it('bounds a stuck hook, keeps going, and reports exit code 1', async () => {
    const order: string[] = [];
    const s = new GracefulShutdown(logger, 20);
    s.register('http', () => void order.push('http'));
    s.register('stuck', () => new Promise<void>(() => undefined));
    s.register('failing', () => {
      throw new Error('x');
    });
    expect(await s.shutdown('SIGTERM')).toBe(1);
    expect(order).toEqual(['http']);
  });
});

import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger';

/**
 * An ioredis client for BullMQ: BullMQ workers need `maxRetriesPerRequest: null`
 * (blocking commands must not be retried away). Connection errors are logged, not thrown,
 * since ioredis reconnects on its own.
 */
export function createRedis(url: string, logger: Logger, extra: RedisOptions = {}): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...extra });
  let lastError = '';
  client.on('error', (err: Error) => {
    if (err.message !== lastError) logger.warn('redis_error', { err });
    lastError = err.message;
  });
  client.on('ready', () => {
    lastError = '';
  });
  return client;
}

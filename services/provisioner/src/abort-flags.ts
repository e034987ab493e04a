import type { Redis } from 'ioredis';

/**
 * Abort requests, in Redis: `DELETE /scenarios/:id` may reach any provisioner,
 * and the one running the scenario looks for the flag while it waits.
 */
export interface AbortFlags {
  request(scenarioId: string, atMs: number): Promise<void>;
  requestedAt(scenarioId: string): Promise<number | undefined>;
}

const key = (scenarioId: string) => `mirrorlab:provisioner:abort:${scenarioId}`;
const WEEK_S = 7 * 24 * 3600;

export function redisAbortFlags(redis: Redis): AbortFlags {
  return {
    async request(scenarioId, atMs) {
      await redis.set(key(scenarioId), String(atMs), 'EX', WEEK_S, 'NX');
    },
    async requestedAt(scenarioId) {
      const v = await redis.get(key(scenarioId));
      return v === null ? undefined : Number(v);
    },
  };
}

export function memoryAbortFlags(): AbortFlags & { flags: Map<string, number> } {
  const flags = new Map<string, number>();
  return {
    flags,
    request: async (id, atMs) => void (flags.has(id) || flags.set(id, atMs)),
    requestedAt: async (id) => flags.get(id),
  };
}

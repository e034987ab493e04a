import type { Redis } from 'ioredis';
import type { WorkloadRole } from './workload-orchestrator';

export interface WorkloadEntry {
  role: WorkloadRole;
  index: number;
  id: string;
  pid: number;
  bundle: string;
  logFile: string;
  /** Log file size when this process started: its lines come after. */
  logOffset: number;
  startedAtMs: number;
}

/** Where local workload pids are recorded, so a provisioner that restarts can stop processes another one started. */
export interface WorkloadRegistry {
  list(scenarioId: string): Promise<WorkloadEntry[]>;
  put(scenarioId: string, entry: WorkloadEntry): Promise<void>;
  clear(scenarioId: string): Promise<void>;
}

const key = (scenarioId: string) => `mirrorlab:provisioner:workload:${scenarioId}`;

export function redisWorkloadRegistry(redis: Redis): WorkloadRegistry {
  return {
    async list(scenarioId) {
      const all = await redis.hgetall(key(scenarioId));
      return Object.values(all)
        .map((v) => JSON.parse(v) as WorkloadEntry)
        .sort((a, b) => (a.role === b.role ? a.index - b.index : a.role < b.role ? -1 : 1));
    },
    async put(scenarioId, entry) {
      await redis.hset(key(scenarioId), `${entry.role}-${entry.index}`, JSON.stringify(entry));
    },
    async clear(scenarioId) {
      await redis.del(key(scenarioId));
    },
  };
}

export function memoryWorkloadRegistry(): WorkloadRegistry & { entries: Map<string, Map<string, WorkloadEntry>> } {
  const entries = new Map<string, Map<string, WorkloadEntry>>();
  return {
    entries,
    list: async (id) => [...(entries.get(id)?.values() ?? [])],
    put: async (id, e) => void (entries.get(id) ?? entries.set(id, new Map()).get(id)!).set(`${e.role}-${e.index}`, e),
    clear: async (id) => void entries.delete(id),
  };
}

/**
 * Prometheus file-based service discovery for the local orchestrator: one
 * `<SCRAPE_TARGETS_DIR>/<scenarioId>.json` listing the scenario's producers and
 * validators while they run, so the lab's Prometheus (`mirrorlab lab up --monitoring`)
 * scrapes them. Labels as the Kubernetes ServiceMonitors in deploy/base give them
 * (the same scheme as libs/lab's prometheus.ts, which writes the stack's file).
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface ScrapeTarget {
  /** Kubernetes Service name: producer or consumer-validator. */
  service: string;
  /** The process's INSTANCE_ID (its pod name in Kubernetes). */
  instance: string;
  /** `host:port` of its HTTP server. */
  address: string;
}

export interface ScrapeTargets {
  /** Replaces the scenario's target list. */
  write(scenarioId: string, targets: ScrapeTarget[]): Promise<void>;
  remove(scenarioId: string): Promise<void>;
}

/** Target labels of a ServiceMonitor endpoint (job = Service, port name `http`); namespace `local` outside Kubernetes. */
export function targetGroup(t: ScrapeTarget): { targets: string[]; labels: Record<string, string> } {
  return {
    targets: [t.address],
    labels: { job: t.service, namespace: 'local', service: t.service, pod: t.instance, container: t.service, endpoint: 'http' },
  };
}

/**
 * The address a service announced in its `http_listening` log line (`{"event":"http_listening","host":..,"port":..}`),
 * or null when the log has none yet.
 */
export function listeningAddress(log: string): string | null {
  for (const line of log.split('\n')) {
    if (!line.includes('"http_listening"')) continue;
    try {
      const e = JSON.parse(line) as { host?: unknown; port?: unknown };
      if (typeof e.port === 'number' && e.port > 0)
        return `${typeof e.host === 'string' && e.host !== '' && e.host !== '0.0.0.0' ? e.host : '127.0.0.1'}:${e.port}`;
    } catch {
      // a line cut short while being written: look at the next one
    }
  }
  return null;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Target files in `dir`, written atomically (Prometheus never reads half a file: it only reads `*.json`). */
export function fileScrapeTargets(dir: string): ScrapeTargets {
  const file = (scenarioId: string) => {
    if (!SAFE_NAME.test(scenarioId)) throw new Error(`scenario id ${JSON.stringify(scenarioId)} cannot name a scrape target file`);
    return path.join(dir, `${scenarioId}.json`);
  };
  return {
    async write(scenarioId, targets) {
      const target = file(scenarioId);
      await mkdir(dir, { recursive: true });
      const tmp = `${target}.${process.pid}.tmp`;
      await writeFile(tmp, `${JSON.stringify(targets.map(targetGroup), null, 2)}\n`);
      await rename(tmp, target);
    },
    async remove(scenarioId) {
      await rm(file(scenarioId), { force: true });
    },
  };
}

/** No Prometheus to tell (SCRAPE_TARGETS_DIR unset). */
export const noScrapeTargets: ScrapeTargets = { write: async () => undefined, remove: async () => undefined };

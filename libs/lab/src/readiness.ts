/**
 * Readiness by checks, never by sleeps: poll a real check until it passes or a deadline
 * expires, failing fast when the process being waited for dies.
 *   Kafka  admin describeCluster sees every broker and a controller
 *   MM2    its Connect status topic on the target says the connectors are RUNNING (mm2-status.ts)
 *   Redis  PING answers PONG
 */
import { createConnection } from 'node:net';
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { LabError } from './errors';
import './kafkajs-timeout-fix';

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Throws (e.g. `process_exited`) when waiting is pointless; called before every check. */
  guard?: () => void;
  /** Extra context for the timeout error, e.g. the tail of the process's log. */
  context?: () => string;
  /** Called with a progress line whenever the check's answer changes. */
  onProgress?: (line: string) => void;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`check gave no answer within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs `check` until it returns a value other than undefined. `check` may throw or
 * return `{ progress }` to say why it is not ready yet.
 */
export async function waitFor<T>(what: string, check: () => Promise<{ ready: T } | { progress: string }>, opts: WaitOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 500;
  let last: string;
  let reported = '';
  for (;;) {
    opts.guard?.();
    try {
      // A check that never settles (a client stuck on a dead connection) must not outlive the deadline.
      const outcome = await withTimeout(check(), Math.max(deadline - Date.now(), 0) + 1000);
      if ('ready' in outcome) return outcome.ready;
      last = outcome.progress;
    } catch (error) {
      if (error instanceof LabError) throw error;
      last = errorText(error);
    }
    if (last !== reported) {
      opts.onProgress?.(`${what}: ${last}`);
      reported = last;
    }
    if (Date.now() >= deadline) {
      const context = opts.context?.() ?? '';
      throw new LabError(
        'readiness_timeout',
        `${what} was not ready after ${Math.round(opts.timeoutMs / 1000)} s (last check: ${last})${context ? `\n${context}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

export function quietKafka(bootstrap: string, clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { retries: 0 },
  });
}

export interface ClusterHealth {
  brokers: number;
  controller: number | null;
}

/** One describeCluster round trip against the cluster. */
export async function describeKafkaCluster(bootstrap: string): Promise<ClusterHealth> {
  const admin = quietKafka(bootstrap, 'mirrorlab-lab-readiness').admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    return { brokers: cluster.brokers.length, controller: cluster.controller };
  } finally {
    await admin.disconnect();
  }
}

const API_VERSIONS_KEY = 18;
const PING_CORRELATION_ID = 0x6d6c6162;

/**
 * Sends one ApiVersions (v0) request straight to `address` (host:port) and resolves when
 * that broker answers it, i.e. it is processing requests: not just listening, and not just
 * still registered in the cluster metadata after it died.
 */
export function brokerAnswers(address: string, timeoutMs = 3000): Promise<void> {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon);
  const port = Number(address.slice(colon + 1));
  const clientId = Buffer.from('mirrorlab-lab');
  const request = Buffer.alloc(14 + clientId.length);
  request.writeInt32BE(request.length - 4, 0);
  request.writeInt16BE(API_VERSIONS_KEY, 4);
  request.writeInt16BE(0, 6);
  request.writeInt32BE(PING_CORRELATION_ID, 8);
  request.writeInt16BE(clientId.length, 12);
  clientId.copy(request, 14);
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const socket = createConnection({ host, port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error(`${address} did not answer ApiVersions within ${timeoutMs} ms`));
    });
    socket.on('connect', () => socket.write(request));
    socket.on('error', (error) => reject(new Error(`${address}: ${error.message}`)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 8) return;
      socket.destroy();
      const correlationId = received.readInt32BE(4);
      if (correlationId === PING_CORRELATION_ID) resolve();
      else reject(new Error(`${address} answered with correlation id ${correlationId}`));
    });
  });
}

/**
 * Check for `waitFor`: each broker answers a request itself (a restarted broker counts
 * only once it is back, not while the controller still lists its old registration), and
 * the cluster metadata shows all of them plus a controller.
 */
export function kafkaClusterCheck(brokers: string[]) {
  return async (): Promise<{ ready: ClusterHealth } | { progress: string }> => {
    const answers = await Promise.allSettled(brokers.map((b) => brokerAnswers(b)));
    const silent = brokers.filter((_, i) => answers[i].status === 'rejected');
    if (silent.length > 0) {
      return { progress: `${brokers.length - silent.length}/${brokers.length} brokers answering (not yet: ${silent.join(', ')})` };
    }
    const health = await describeKafkaCluster(brokers.join(','));
    if (health.brokers >= brokers.length && health.controller !== null && health.controller >= 0) return { ready: health };
    return { progress: `${health.brokers}/${brokers.length} brokers registered, controller ${health.controller ?? 'unknown'}` };
  };
}

/** Check for `waitFor`: Redis at `url` answers PING. */
export function redisPingCheck(url: string) {
  return async (): Promise<{ ready: true } | { progress: string }> => {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
    client.on('error', () => undefined); // the failed connect/ping rejects below
    try {
      await client.connect();
      const pong = await client.ping();
      return pong === 'PONG' ? { ready: true } : { progress: `PING answered ${pong}` };
    } finally {
      client.disconnect();
    }
  };
}

/**
 * MirrorMaker 2 readiness from its Connect status topic (`mm2-status.<source>.internal` on
 * the target cluster): the record format, the readiness rule, and a watcher that streams
 * the topic.
 */
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { kafkajsTimeoutFixSource } from './kafkajs-timeout-fix';
import { quietKafka } from './readiness';

/** Latest Connect status of one connector or task, as MM2 writes it to `mm2-status.<source>.internal`. */
export interface ConnectStatus {
  state: string;
  trace: string | null;
  workerId: string | null;
  /** When the record was written (its timestamp), if known. */
  atMs?: number;
}

export interface Mm2Status {
  connectors: Map<string, ConnectStatus>;
  /** Keyed `<connector>-<task>`. */
  tasks: Map<string, ConnectStatus>;
}

export const MM2_CONNECTORS = ['MirrorSourceConnector', 'MirrorCheckpointConnector', 'MirrorHeartbeatConnector'] as const;

/**
 * Folds one record of the Connect status topic into `status`. Keys are
 * `status-connector-<name>` / `status-task-<name>-<n>` (others, like topic tracking, are
 * ignored); values are JSON `{"state":"RUNNING","trace":null,"worker_id":...}`; a null
 * value deletes.
 */
export function applyStatusRecord(status: Mm2Status, key: string, value: string | null, atMs?: number): void {
  const connector = /^status-connector-(.+)$/.exec(key);
  const task = /^status-task-(.+)-(\d+)$/.exec(key);
  const target = connector ? status.connectors : task ? status.tasks : null;
  if (target === null) return;
  const id = connector ? connector[1] : `${task![1]}-${task![2]}`;
  if (value === null) {
    target.delete(id);
    return;
  }
  const parsed = JSON.parse(value) as { state?: unknown; trace?: unknown; worker_id?: unknown };
  target.set(id, {
    state: typeof parsed.state === 'string' ? parsed.state : 'UNKNOWN',
    trace: typeof parsed.trace === 'string' ? parsed.trace : null,
    workerId: typeof parsed.worker_id === 'string' ? parsed.worker_id : null,
    ...(atMs === undefined ? {} : { atMs }),
  });
}

/**
 * The MM2 readiness rule: all three connectors RUNNING and the heartbeat connector's task
 * RUNNING (the source connector has tasks only once there are topics to mirror, the
 * checkpoint connector only once there are groups). A FAILED connector or task is an error.
 */
export function mm2Readiness(status: Mm2Status): { ready: true } | { ready: false; progress: string; failed?: string } {
  for (const [name, s] of [...status.connectors, ...status.tasks]) {
    if (s.state === 'FAILED')
      return { ready: false, progress: `${name} FAILED`, failed: `${name} FAILED: ${(s.trace ?? '').split('\n')[0]}` };
  }
  const notRunning = MM2_CONNECTORS.filter((c) => status.connectors.get(c)?.state !== 'RUNNING');
  const heartbeatTask = [...status.tasks].some(([id, s]) => id.startsWith('MirrorHeartbeatConnector-') && s.state === 'RUNNING');
  if (notRunning.length === 0 && heartbeatTask) return { ready: true };
  const states = MM2_CONNECTORS.map((c) => `${c.replace(/^Mirror|Connector$/g, '')} ${status.connectors.get(c)?.state ?? 'absent'}`);
  return { ready: false, progress: `${states.join(', ')}, heartbeat task ${heartbeatTask ? 'RUNNING' : 'not running'}` };
}

/**
 * Consumer code run in a worker thread. kafkajs 2.2.4's fetch loop can spin on resolved
 * promises forever when a broker drops out of the metadata (it starves the event loop, so
 * no timer fires again); in a worker that cannot hang `lab up`: the main thread keeps its
 * deadline and terminates the worker.
 */
const watcherWorkerSource = (kafkajsPath: string): string => `
const { parentPort, workerData } = require('node:worker_threads');
${kafkajsTimeoutFixSource(kafkajsPath)}
const { Kafka, logLevel } = require(workerData.kafkajsPath);
const kafka = new Kafka({ clientId: 'mirrorlab-lab-readiness', brokers: workerData.brokers, logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId: workerData.groupId, sessionTimeout: 10000 });
parentPort.on('message', () => consumer.disconnect().finally(() => process.exit(0)));
(async () => {
  await consumer.connect();
  await consumer.subscribe({ topics: [workerData.topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => parentPort.postMessage({
      record: {
        key: message.key === null ? null : message.key.toString(),
        value: message.value === null ? null : message.value.toString(),
        timestamp: Number(message.timestamp),
      },
    }),
  });
  parentPort.postMessage({ running: true });
})().catch((error) => parentPort.postMessage({ error: String((error && error.message) || error) }));
`;

type WorkerMessage = { running: true } | { error: string } | { record: { key: string | null; value: string | null; timestamp: number } };

/**
 * Streams MM2's status topic (on the target cluster) from the beginning and keeps the
 * latest state per connector and task. Uses a throwaway consumer group with no commits,
 * inside a worker thread (see watcherWorkerSource).
 */
export class Mm2StatusWatcher {
  readonly status: Mm2Status = { connectors: new Map(), tasks: new Map() };
  private worker: Worker | null = null;

  /**
   * @param notBeforeMs ignore status records written before this time: after a restart the
   *   topic still says RUNNING for the previous, dead worker.
   */
  constructor(
    private readonly targetBootstrap: string,
    private readonly statusTopic: string,
    private readonly notBeforeMs = 0,
  ) {}

  /** Why the status topic cannot be read yet, or null once it exists with a leader for every partition. */
  async topicNotReady(): Promise<string | null> {
    const admin = quietKafka(this.targetBootstrap, 'mirrorlab-lab-readiness').admin();
    await admin.connect();
    try {
      if (!(await admin.listTopics()).includes(this.statusTopic)) return `${this.statusTopic} not created yet`;
      const { topics } = await admin.fetchTopicMetadata({ topics: [this.statusTopic] });
      const leaderless = topics[0]?.partitions.filter((p) => p.leader < 0).length ?? 1;
      return leaderless === 0 ? null : `${this.statusTopic}: ${leaderless} partition(s) without a leader`;
    } finally {
      await admin.disconnect();
    }
  }

  /** Starts consuming; on failure (or no answer within `timeoutMs`) nothing is left running and it may be called again. */
  async start(timeoutMs = 30_000): Promise<void> {
    await this.stop();
    const kafkajsPath = require.resolve('kafkajs');
    const worker = new Worker(watcherWorkerSource(kafkajsPath), {
      eval: true,
      workerData: {
        kafkajsPath,
        brokers: this.targetBootstrap.split(','),
        topic: this.statusTopic,
        groupId: `mirrorlab-lab-readiness-${randomBytes(4).toString('hex')}`,
      },
    });
    this.worker = worker;
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`status consumer did not start within ${timeoutMs} ms`)), timeoutMs);
        worker.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        worker.on('message', (message: WorkerMessage) => {
          if ('record' in message) {
            const { key, value, timestamp } = message.record;
            if (key !== null && timestamp >= this.notBeforeMs) applyStatusRecord(this.status, key, value, timestamp);
          } else {
            clearTimeout(timer);
            if ('error' in message) reject(new Error(message.error));
            else resolve();
          }
        });
      });
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Leaves the group cleanly if the worker answers within 3 s, else terminates it. */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker === null) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('stop');
    const timer = setTimeout(() => void worker.terminate(), 3000);
    await exited;
    clearTimeout(timer);
  }
}

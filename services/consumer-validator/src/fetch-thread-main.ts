import { parentPort, Worker } from 'node:worker_threads';
import { createKafka, createLogger, type KafkaConnection, type Logger } from '@mirrorlab/service-kit';
import { serveFetchThread } from './fetch-thread';
import type { FromFetchThread, ThreadPort, ToFetchThread } from './fetch-thread-protocol';
import { kafkaRecordSource } from './kafka-record-source';
import type { FetchThread } from './threaded-record-source';

/** What a fetch thread is started with (structured-cloned into it). */
export interface FetchThreadData {
  role: 'mirrorlab-fetch-thread';
  connection: KafkaConnection;
  clientId: string;
  source: Parameters<typeof kafkaRecordSource>[1];
  maxInflightBytes: number;
  shared: SharedArrayBuffer;
  log: { service: string; instance: string; level: NonNullable<Parameters<typeof createLogger>[0]['level']> };
}

export const isFetchThreadData = (data: unknown): data is FetchThreadData =>
  typeof data === 'object' && data !== null && (data as { role?: unknown }).role === 'mirrorlab-fetch-thread';

/** Starts a fetch thread running this same script (the bundle is one file), with `data`. */
export function startFetchThread(script: string, data: Omit<FetchThreadData, 'role' | 'shared'>, logger: Logger): FetchThread {
  const shared = new SharedArrayBuffer(4);
  const workerData: FetchThreadData = { ...data, role: 'mirrorlab-fetch-thread', shared };
  const worker = new Worker(script, { workerData, execArgv: process.execArgv });
  logger.info('fetch_thread_started', { threadId: worker.threadId, clientId: data.clientId });
  return {
    port: worker as unknown as ThreadPort<FromFetchThread, ToFetchThread>,
    shared: new Int32Array(shared),
    terminate: () => worker.terminate(),
    onDeath: (listener) => {
      worker.on('error', (err) => listener(err));
      worker.on('exit', (code) => listener(new Error(`the fetch thread exited with code ${code}`)));
    },
  };
}

/** The fetch thread's body: its own logger and Kafka client, serving the checking thread over `parentPort`. */
export function runFetchThread(data: FetchThreadData): void {
  const logger = createLogger(data.log, { thread: 'fetch' });
  const kafka = createKafka(data.connection, data.clientId, logger);
  serveFetchThread(
    parentPort as unknown as ThreadPort<ToFetchThread, FromFetchThread>,
    kafkaRecordSource(kafka, data.source),
    new Int32Array(data.shared),
    { maxInflightBytes: data.maxInflightBytes },
  );
}

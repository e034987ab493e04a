import { fork } from 'node:child_process';
import { createLogger, type KafkaConnection, type Logger } from '@mirrorlab/service-kit';
import { connectKafkaSink, type KafkaSinkOptions } from './kafka-sink';
import { serveClientProcess } from './client-process';
import { carried, type FromClientProcess, type ClientPort, type ToClientProcess } from './client-process-protocol';
import type { ClientProcess } from './remote-sink';

/**
 * The client process (CLIENT_PROCESS) is a child process, not a worker thread: the librdkafka binding cannot run in a
 * worker thread (it dispatches its delivery reports on the main thread's event loop, and V8 aborts), and it loads in
 * one thread per process only.
 */
const ROLE_ENV = 'MIRRORLAB_PRODUCE_PROCESS';

/** What a client process is started with (as JSON in its environment). */
export interface ClientProcessData {
  connection: KafkaConnection;
  clientId: string;
  options: KafkaSinkOptions;
  log: { service: string; instance: string; level: NonNullable<Parameters<typeof createLogger>[0]['level']>; scenarioId: string };
}

/** The client process's data when this process is one (main.ts then runs runClientProcess, not the service). */
export function clientProcessData(): ClientProcessData | undefined {
  const json = process.env[ROLE_ENV];
  return json !== undefined && process.send !== undefined ? (JSON.parse(json) as ClientProcessData) : undefined;
}

/** Starts a client process running `script` (the service's bundle), with `data`; its logs go to this process's stdout. */
export function startClientProcess(script: string, data: ClientProcessData, logger: Logger): ClientProcess {
  const child = fork(script, [], {
    env: { ...process.env, [ROLE_ENV]: JSON.stringify(data) },
    execArgv: process.execArgv,
    // Buffers and typed arrays as they are (the packed batches), not as JSON.
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  logger.info('client_process_started', { pid: child.pid, clientId: data.clientId });
  return {
    port: {
      postMessage: (message: ToClientProcess) => void child.send(message),
      on: (event, listener) => child.on(event, listener as (m: unknown) => void),
    },
    terminate: () =>
      new Promise<number>((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code ?? 0));
        child.kill('SIGTERM');
      }),
    onDeath: (listener) => {
      child.on('error', (err) => listener(err));
      child.on('exit', (code, signal) => listener(new Error(`the client process exited with ${signal ?? `code ${code}`}`)));
    },
  };
}

/** The client process's body: its own logger and Kafka client (the service's settings), serving its parent. */
export function runClientProcess(data: ClientProcessData): void {
  const port: ClientPort<ToClientProcess, FromClientProcess> = {
    postMessage: (message) => void process.send!(message),
    on: (event, listener) => process.on(event, listener as (m: unknown) => void),
  };
  const { scenarioId, ...log } = data.log;
  const logger = createLogger(log).child({ scenarioId, process: 'client' });
  // Its parent gone, it has nobody to serve.
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
  connectKafkaSink(data.connection, data.clientId, data.options, logger).then(
    (sink) => {
      serveClientProcess(port, sink);
      port.postMessage({ type: 'ready' });
    },
    (err: unknown) => port.postMessage({ type: 'failed', error: carried(err) }),
  );
}

/**
 * A single Kafka node (KRaft, broker + controller) whose only client listener is
 * SASL_PLAINTEXT with SCRAM, for tests of SASL clients. It runs from the lab's jars on
 * 127.0.0.1 next to (never inside) a lab: its own directory, ports and cluster id. SCRAM
 * credentials are written into the metadata when the storage is formatted
 * (`kafka-storage format --add-scram`), so no admin call is needed before the first login.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { BROKER_JVM, BROKER_MAIN, STORAGE_TOOL_MAIN, TOOL_JVM, javaArgs, renderLog4j2Properties, renderProperties } from './config';
import { LabError } from './errors';
import { ensureKafkaDist } from './kafka-dist';
import { ensureJava } from './prerequisites';
import { brokerAnswers, waitFor } from './readiness';
import { tailLog } from './supervisor';

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export interface ScramUser {
  name: string;
  password: string;
}

export interface SaslBrokerOptions {
  /** Directory for the config, data and log; created if missing. The caller removes it. */
  dir: string;
  /** Client users, created with the storage. */
  users: ScramUser[];
  mechanism?: ScramMechanism;
  log?: (line: string) => void;
  /** How long to wait for the node to answer; default 120 s (a JVM start on a busy two-core machine). */
  startTimeoutMs?: number;
}

export interface SaslBroker {
  /** `127.0.0.1:<port>`, the SASL_PLAINTEXT listener. */
  bootstrap: string;
  mechanism: ScramMechanism;
  logFile: string;
  /** SIGTERM, SIGKILL after `graceMs`; resolves once the JVM is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** The user the node logs into itself with (inter-broker traffic goes through the SASL listener too). */
const INTER_BROKER_USER = 'mirrorlab-broker';

/** server.properties of the node. Pure: strings in, string out. */
export function renderSaslBrokerProperties(o: {
  dataDir: string;
  clientPort: number;
  controllerPort: number;
  mechanism: ScramMechanism;
  interBroker: ScramUser;
}): string {
  const host = '127.0.0.1';
  return renderProperties([
    'mirrorlab: one KRaft node with a SASL_PLAINTEXT SCRAM listener, for SASL client tests (generated)',
    ['process.roles', 'broker,controller'],
    ['node.id', 1],
    ['controller.quorum.voters', `1@${host}:${o.controllerPort}`],
    ['listeners', `SASL://${host}:${o.clientPort},CONTROLLER://${host}:${o.controllerPort}`],
    ['advertised.listeners', `SASL://${host}:${o.clientPort}`],
    ['listener.security.protocol.map', 'SASL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT'],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'SASL'],
    ['sasl.enabled.mechanisms', o.mechanism],
    ['sasl.mechanism.inter.broker.protocol', o.mechanism],
    [
      `listener.name.sasl.${o.mechanism.toLowerCase()}.sasl.jaas.config`,
      `org.apache.kafka.common.security.scram.ScramLoginModule required username="${o.interBroker.name}" password="${o.interBroker.password}";`,
    ],
    ['log.dirs', o.dataDir],
    'one node: every internal topic with one replica',
    ['num.partitions', 1],
    ['default.replication.factor', 1],
    ['offsets.topic.replication.factor', 1],
    ['offsets.topic.num.partitions', 1],
    ['transaction.state.log.replication.factor', 1],
    ['transaction.state.log.min.isr', 1],
    ['share.coordinator.state.topic.replication.factor', 1],
    ['share.coordinator.state.topic.min.isr', 1],
    ['group.initial.rebalance.delay.ms', 0],
    ['auto.create.topics.enable', false],
    ['num.network.threads', 1],
    ['num.io.threads', 2],
    ['background.threads', 1],
    ['log.cleaner.enable', false],
  ]);
}

/**
 * `--add-scram` values. The password is quoted so `=` and `]` in it are taken literally; the
 * tool splits on `,` even inside quotes and keeps no quote, so neither may be in a password.
 */
export function addScramArgs(mechanism: ScramMechanism, users: ScramUser[]): string[] {
  return users.flatMap((u) => {
    if (/[",\s]/.test(u.name) || /[",]/.test(u.password)) {
      throw new LabError(
        'invalid_option',
        `SCRAM user ${JSON.stringify(u.name)}: names without quotes, commas or spaces, passwords without quotes or commas`,
      );
    }
    return ['--add-scram', `${mechanism}=[name=${u.name},password="${u.password}"]`];
  });
}

/** A port nothing listens on right now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function run(java: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(java, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Formats the storage with the users' SCRAM credentials, starts the node and waits until it answers. */
export async function startSaslBroker(opts: SaslBrokerOptions): Promise<SaslBroker> {
  const mechanism = opts.mechanism ?? 'SCRAM-SHA-512';
  const [java, dist] = await Promise.all([ensureJava(opts.log), ensureKafkaDist({ log: opts.log })]);
  const dataDir = join(opts.dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const log4jConfig = join(opts.dir, 'log4j2.properties');
  writeFileSync(log4jConfig, renderLog4j2Properties());
  const [clientPort, controllerPort] = [await freePort(), await freePort()];
  const interBroker = { name: INTER_BROKER_USER, password: randomBytes(16).toString('hex') };
  const configFile = join(opts.dir, 'server.properties');
  writeFileSync(configFile, renderSaslBrokerProperties({ dataDir, clientPort, controllerPort, mechanism, interBroker }));

  // A Kafka cluster id is 16 random bytes, base64url without padding.
  const clusterId = randomBytes(16).toString('base64url');
  const format = await run(
    java,
    javaArgs({
      libsDir: dist.libsDir,
      log4jConfig,
      jvm: TOOL_JVM,
      mainClass: STORAGE_TOOL_MAIN,
      args: ['format', '-t', clusterId, '-c', configFile, ...addScramArgs(mechanism, [interBroker, ...opts.users])],
    }),
    opts.dir,
  );
  if (format.code !== 0)
    throw new LabError(
      'start_failed',
      `formatting the SASL broker's storage failed (exit ${format.code}):\n${format.output.trim().split('\n').slice(-10).join('\n')}`,
    );

  const logFile = join(opts.dir, 'broker.log');
  const out = openSync(logFile, 'a');
  const child = spawn(java, javaArgs({ libsDir: dist.libsDir, log4jConfig, jvm: BROKER_JVM, mainClass: BROKER_MAIN, args: [configFile] }), {
    cwd: opts.dir,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const bootstrap = `127.0.0.1:${clientPort}`;
  const stop = async (graceMs = 30_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited(child);
    clearTimeout(timer);
  };
  try {
    await waitFor(
      `the SASL broker on ${bootstrap}`,
      async () => {
        await brokerAnswers(bootstrap);
        return { ready: true };
      },
      {
        timeoutMs: opts.startTimeoutMs ?? 120_000,
        guard: () => {
          if (child.exitCode !== null || child.signalCode !== null) {
            throw new LabError(
              'process_exited',
              `the SASL broker exited (${child.exitCode ?? child.signalCode}) while starting; its log ends:\n${tailLog(logFile)}`,
            );
          }
        },
        context: () => tailLog(logFile),
        onProgress: opts.log,
      },
    );
  } catch (error) {
    await stop(5000);
    throw error;
  }
  return { bootstrap, mechanism, logFile, stop };
}

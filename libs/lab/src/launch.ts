/**
 * Turns the lab state into files on disk and command lines: config files per process,
 * KRaft storage formatting, and the launch spec (java / redis-server) of each process.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BROKER_JVM,
  BROKER_MAIN,
  MIRROR_MAKER_MAIN,
  MM2_JVM,
  STORAGE_TOOL_MAIN,
  TOOL_JVM,
  javaArgs,
  renderBrokerProperties,
  renderLog4j2Properties,
  renderMm2Properties,
  renderProperties,
  renderRedisConf,
} from './config';
import { CONNECT_DISTRIBUTED_MAIN, connectWorkerConfigPath, connectWorkerProperties, isConnectMode } from './connect-cluster';
import { LabError } from './errors';
import { prometheusArgs, writePrometheusConfig } from './prometheus';
import type { LabProcess, LabState } from './state';
import { processLiveness, type LaunchSpec } from './supervisor';
import { interDcProxy, renderToxiproxyConfig } from './toxiproxy';

/** Programs and jars a lab runs with. */
export interface LabRuntime {
  java: string;
  redisServer: string;
  libsDir: string;
  /** Only needed when the lab has a Prometheus (`lab up --monitoring`). */
  prometheus?: string;
  /** Toxiproxy's server binary (the inter-DC proxy). */
  toxiproxy: string;
}

export function log4jConfigPath(state: LabState): string {
  return join(state.dir, 'log4j2.properties');
}

/** Text that identifies a lab process in /proc/<pid>/cmdline: its own directory. */
export function processMarker(proc: LabProcess): string {
  return `${proc.dir}/`;
}

export type LabLog = (line: string) => void;

/** True when the process has a pid that runs and is still this lab process. */
export function isLabProcessAlive(proc: LabProcess): boolean {
  return proc.pid !== null && processLiveness(proc.pid, processMarker(proc)) === 'alive';
}

/** (Re)writes every config file; deterministic from the state, so safe on every `up`. */
export function writeLabConfigs(state: LabState): void {
  mkdirSync(state.dir, { recursive: true });
  writeFileSync(log4jConfigPath(state), renderLog4j2Properties());
  for (const proc of state.processes) {
    mkdirSync(proc.dataDir, { recursive: true });
    switch (proc.role) {
      case 'broker':
        writeFileSync(proc.configFile, renderBrokerProperties(state, proc));
        break;
      case 'mirrormaker2':
        // Replicator mode connect: a Connect worker's config instead (connect-cluster.ts).
        if (isConnectMode(state)) writeFileSync(connectWorkerConfigPath(proc), renderProperties(connectWorkerProperties(state, proc)));
        else writeFileSync(proc.configFile, renderMm2Properties(state, proc));
        break;
      case 'redis':
        writeFileSync(proc.configFile, renderRedisConf(proc));
        break;
      case 'prometheus':
        writePrometheusConfig(state, proc);
        break;
      case 'toxiproxy':
        writeFileSync(proc.configFile, renderToxiproxyConfig(interDcProxy(state)));
        break;
    }
  }
}

export function isBrokerFormatted(broker: LabProcess): boolean {
  return existsSync(join(broker.dataDir, 'meta.properties'));
}

/** `kafka.tools.StorageTool format` for one broker (static quorum: no bootstrap flags needed). */
export function formatBrokerStorage(state: LabState, broker: LabProcess, runtime: LabRuntime): Promise<void> {
  const clusterId = broker.cluster === 'source' ? state.source.clusterId : state.target.clusterId;
  const args = javaArgs({
    libsDir: runtime.libsDir,
    log4jConfig: log4jConfigPath(state),
    jvm: TOOL_JVM,
    mainClass: STORAGE_TOOL_MAIN,
    args: ['format', '-t', clusterId, '-c', broker.configFile, '--ignore-formatted'],
  });
  return new Promise((resolve, reject) => {
    const child = spawn(runtime.java, args, { cwd: broker.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (error) => reject(new LabError('start_failed', `formatting ${broker.name}: ${error.message}`, { cause: error })));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new LabError(
            'start_failed',
            `formatting ${broker.name} storage failed (exit ${code}):\n${output.trim().split('\n').slice(-10).join('\n')}`,
          ),
        );
    });
  });
}

/** How to start one lab process. */
export function launchSpecFor(state: LabState, proc: LabProcess, runtime: LabRuntime): LaunchSpec {
  const common = {
    name: proc.name,
    logFile: proc.logFile,
    pidFile: proc.pidFile,
    cwd: proc.dir,
    netns: proc.netns,
    marker: processMarker(proc),
  };
  const java = (jvm: typeof BROKER_JVM, mainClass: string, args: string[]): LaunchSpec => ({
    ...common,
    command: runtime.java,
    args: javaArgs({ libsDir: runtime.libsDir, log4jConfig: log4jConfigPath(state), jvm, mainClass, args }),
  });
  switch (proc.role) {
    case 'broker':
      return java(BROKER_JVM, BROKER_MAIN, [proc.configFile]);
    case 'mirrormaker2':
      if (isConnectMode(state)) return java(MM2_JVM, CONNECT_DISTRIBUTED_MAIN, [connectWorkerConfigPath(proc)]);
      // --clusters target: this node runs the herders that write to the target, like an MM2 next to it would.
      return java(MM2_JVM, MIRROR_MAKER_MAIN, [proc.configFile, '--clusters', state.mm2.targetAlias]);
    case 'redis':
      return { ...common, command: runtime.redisServer, args: [proc.configFile] };
    case 'prometheus':
      return { ...common, command: runtime.prometheus ?? 'prometheus', args: prometheusArgs(proc) };
    case 'toxiproxy':
      // The config path (inside the process's dir) is the marker /proc/<pid>/cmdline shows.
      return {
        ...common,
        command: runtime.toxiproxy,
        args: ['-host', proc.host, '-port', String(proc.ports.api), '-config', proc.configFile],
      };
  }
}

/** `labStatus`: is each recorded process alive and really ours? Reads only. */
import { processMarker } from './launch';
import { isLabNetworkUp } from './netns';
import { defaultLabDir, readLabState, type LabProcess, type LabState } from './state';
import { processLiveness } from './supervisor';

export type ProcessState = 'alive' | 'dead' | 'stopped' | 'foreign';

export interface ProcessStatus {
  process: LabProcess;
  state: ProcessState;
}

export interface LabStatusReport {
  lab: LabState;
  processes: ProcessStatus[];
  /** null in loopback mode. */
  networkUp: boolean | null;
  /** Every process alive (and the network up, in netns mode). */
  healthy: boolean;
}

/** Liveness of each recorded process (by pid and /proc cmdline), without touching anything. */
export function labStatus(dir?: string): LabStatusReport {
  const lab = readLabState(dir ?? defaultLabDir());
  const processes = lab.processes.map((process): ProcessStatus => {
    if (process.pid === null) return { process, state: 'stopped' };
    const liveness = processLiveness(process.pid, processMarker(process));
    return { process, state: liveness };
  });
  const networkUp = lab.network === null ? null : isLabNetworkUp(lab.network);
  return { lab, processes, networkUp, healthy: processes.every((p) => p.state === 'alive') && networkUp !== false };
}

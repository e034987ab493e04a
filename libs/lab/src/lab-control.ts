/**
 * Signals to one lab process, for fault injection (SIGKILL a broker, SIGSTOP/SIGCONT MM2).
 * The pid is checked to still be that lab process first. A killed process comes back
 * with `labUp()`, which restarts whatever is not running.
 */
import { LabError } from './errors';
import { processMarker } from './launch';
import { labProcess, type LabState } from './state';
import { processLiveness } from './supervisor';

export function signalLabProcess(lab: LabState, name: string, signal: NodeJS.Signals): number {
  const proc = labProcess(lab, name);
  if (proc.pid === null || processLiveness(proc.pid, processMarker(proc)) !== 'alive') {
    throw new LabError(
      'process_exited',
      `${name} is not running (pid ${proc.pid ?? 'none'}); bring it back with: mirrorlab lab up --dir ${lab.dir}`,
    );
  }
  process.kill(proc.pid, signal);
  return proc.pid;
}

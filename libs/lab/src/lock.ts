/**
 * One `lab up`/`lab down` at a time per lab directory: an exclusive lock file holding the
 * owner's pid. A lock whose owner is gone is stale and taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from './errors';

function ownerAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Takes `<dir>/.lock` and returns its release function; throws `lab_locked` while another process holds it. */
export function lockLabDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, '.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && ownerAlive(owner)) {
        throw new LabError(
          'lab_locked',
          `another mirrorlab (pid ${owner}) is bringing the lab in ${dir} up or down; wait for it and retry`,
        );
      }
      rmSync(path, { force: true }); // stale: its owner is gone
    }
  }
  throw new LabError('lab_locked', `could not take the lock ${path}; remove it if no mirrorlab lab command is running`);
}

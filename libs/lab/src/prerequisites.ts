/**
 * Programs the lab runs (java, mvn, redis-server, ip, iptables, tc). Missing ones are
 * installed from Debian's packages when we are root; otherwise a clear error says how.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { LabError } from './errors';

/** Absolute path of `program` on PATH (plus the sbin dirs, where ip/iptables live), or null. */
export function findProgram(program: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const dirs = (env.PATH ?? '').split(delimiter).concat(['/usr/local/sbin', '/usr/sbin', '/sbin']);
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  return null;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function aptGet(args: string[]): { ok: boolean; output: string } {
  const result = spawnSync('apt-get', args, {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeout: 600_000,
  });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

/**
 * Returns the program's path, installing `debianPackage` with apt-get first when it is
 * missing and we are root. Throws `prerequisite_missing` otherwise.
 */
export async function ensureProgram(program: string, debianPackage: string, log?: (line: string) => void): Promise<string> {
  const found = findProgram(program);
  if (found !== null) return found;
  if (!isRoot()) {
    throw new LabError(
      'prerequisite_missing',
      `${program} is not installed; install it (as root: apt-get install -y ${debianPackage}) and retry`,
    );
  }
  log?.(`installing ${debianPackage} (apt-get) for ${program}…`);
  let attempt = aptGet(['install', '-y', '--no-install-recommends', debianPackage]);
  if (!attempt.ok) {
    aptGet(['update']);
    attempt = aptGet(['install', '-y', '--no-install-recommends', debianPackage]);
  }
  const installed = findProgram(program);
  if (!attempt.ok || installed === null) {
    const tail = attempt.output.trim().split('\n').slice(-5).join('\n');
    throw new LabError('prerequisite_missing', `could not install ${debianPackage} for ${program}:\n${tail}`);
  }
  return installed;
}

/** java from JAVA_HOME if set, else PATH; installs a headless JRE 17 when missing and root. */
export async function ensureJava(log?: (line: string) => void): Promise<string> {
  const home = process.env.JAVA_HOME;
  if (home !== undefined && home !== '') {
    const java = join(home, 'bin', 'java');
    try {
      accessSync(java, constants.X_OK);
      return java;
    } catch {
      // JAVA_HOME is stale; fall back to PATH
    }
  }
  return ensureProgram('java', 'openjdk-17-jre-headless', log);
}

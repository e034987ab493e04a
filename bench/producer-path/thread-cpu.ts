import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (USER_HZ; 100 on Linux). */
const TICKS_PER_S = 100;

/**
 * CPU milliseconds so far per thread of a process (this one by default; Linux /proc), by thread name; the JavaScript
 * thread is `main`. Tells the event loop's own cost apart from librdkafka's threads (`rdk:*`) and the garbage
 * collector's (`V8Worker`). Empty when the process is gone.
 */
export function threadCpuMs(pid: number = process.pid): Record<string, number> {
  const out: Record<string, number> = {};
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended between the listing and the read
    }
    const name = tid === String(pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name.
    out[name] = (out[name] ?? 0) + ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S;
  }
  return out;
}

/** Per thread name, the CPU milliseconds between two readings of threadCpuMs (threads that ended count as 0). */
export function threadCpuSince(before: Record<string, number>, after: Record<string, number> = threadCpuMs()): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([name, ms]) => [name, ms - (before[name] ?? 0)]));
}

/** The JavaScript thread's and librdkafka's threads' CPU milliseconds in a reading of threadCpuSince. */
export function splitThreads(ms: Record<string, number>): { mainMs: number; clientMs: number } {
  let clientMs = 0;
  for (const [name, v] of Object.entries(ms)) if (name.startsWith('rdk:')) clientMs += v;
  return { mainMs: ms.main ?? 0, clientMs };
}

import { readdirSync, readFileSync } from 'node:fs';

interface ThreadReading {
  name: string;
  ms: number;
  userMs: number;
  systemMs: number;
}

/** Clock ticks per second of /proc's utime and stime (USER_HZ; 100 on Linux). */
const TICKS_PER_S = 100;

/**
 * Follows a process's threads while it runs: `poll()` now and then, `since()` at the end. A thread that ended between
 * polls (a librdkafka client disconnected at the end of a run) keeps the CPU it had at its last poll, where a reading
 * only at the start and the end would miss it.
 */
export class ThreadCpuTracker {
  private readonly first = new Map<string, ThreadReading>();
  private readonly last = new Map<string, ThreadReading>();

  constructor(private readonly pid: number = process.pid) {
    this.read(this.first);
  }

  poll(): void {
    this.read(this.last);
  }

  /** CPU milliseconds per thread name from the tracker's start to the last poll (threads started since count from 0). */
  since(): Record<string, number> {
    this.poll();
    const out: Record<string, number> = {};
    for (const [tid, { name, ms }] of this.last) out[name] = (out[name] ?? 0) + ms - (this.first.get(tid)?.ms ?? 0);
    return out;
  }

  /** CPU milliseconds per thread name since the start, in user space and in the kernel (sockets, page faults). */
  sinceByMode(): Record<string, { userMs: number; systemMs: number }> {
    this.poll();
    const out: Record<string, { userMs: number; systemMs: number }> = {};
    for (const [tid, { name, userMs, systemMs }] of this.last) {
      const before = this.first.get(tid);
      const o = (out[name] ??= { userMs: 0, systemMs: 0 });
      o.userMs += userMs - (before?.userMs ?? 0);
      o.systemMs += systemMs - (before?.systemMs ?? 0);
    }
    return out;
  }

  private read(into: Map<string, ThreadReading>): void {
    const pid = this.pid;
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      return;
    }
    for (const tid of tids) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = tid === String(pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const userMs = (Number(fields[11]) * 1000) / TICKS_PER_S;
        const systemMs = (Number(fields[12]) * 1000) / TICKS_PER_S;
        into.set(tid, { name, ms: userMs + systemMs, userMs, systemMs });
      } catch {
        // the thread ended between the listing and the read: its last poll stands
      }
    }
  }
}

/** A ThreadCpuTracker's reading as the JavaScript thread's CPU milliseconds (`mainMs`) and librdkafka's threads' (`clientMs`). */
export function splitThreads(ms: Record<string, number>): { mainMs: number; clientMs: number } {
  let clientMs = 0;
  for (const [name, v] of Object.entries(ms)) if (name.startsWith('rdk:')) clientMs += v;
  return { mainMs: ms.main ?? 0, clientMs };
}

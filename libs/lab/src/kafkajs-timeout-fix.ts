/**
 * Stops kafkajs 2.2.4 from scheduling a negative timeout, which Node >= 23 reports as
 * `TimeoutNegativeWarning` on stderr (once per process and per worker thread): every
 * `mirrorlab run` printed it during the lab's health check (the MirrorMaker 2 status
 * watcher's worker thread), and services printed it on their first admin call.
 *
 * The cause: RequestQueue.scheduleCheckPendingRequests passes `throttledUntil - now` to
 * setTimeout whenever no check is scheduled, negative when the broker is not throttling
 * (kafkajs is unmaintained; no release will fix it). The replacement below is the same
 * logic with the delay Node would have used anyway (1 ms) written out, so behaviour is
 * unchanged and nothing is printed.
 *
 * Applied on import (the module prototype is shared by every client in the process); a
 * worker thread has its own module registry and applies `kafkajsTimeoutFixSource()`.
 */
import path from 'node:path';

interface RequestQueueInternals {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
  mirrorlabNoNegativeTimeout?: true;
}

/**
 * Replaces RequestQueue.prototype.scheduleCheckPendingRequests; idempotent. Self-contained
 * (no imports, no named inner functions) because its source text also runs in worker threads.
 */
export function clampRequestQueueTimeout(RequestQueue: { prototype: object }): void {
  const proto = RequestQueue.prototype as RequestQueueInternals;
  if (proto.mirrorlabNoNegativeTimeout) return;
  proto.mirrorlabNoNegativeTimeout = true;
  proto.scheduleCheckPendingRequests = function (this: RequestQueueInternals) {
    if (this.throttleCheckTimeoutId) return;
    const throttledFor = this.throttledUntil - Date.now();
    // kafkajs: the throttle's end, else its 10 ms pending-queue interval, else (nothing pending) 1 ms.
    const delay = throttledFor > 0 ? throttledFor : this.pending.length > 0 ? 10 : 1;
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, delay);
  };
}

/** kafkajs's RequestQueue module, beside the given kafkajs entry point (`require.resolve('kafkajs')`). */
export function requestQueueModule(kafkajsMain: string): string {
  return path.join(path.dirname(kafkajsMain), 'src', 'network', 'requestQueue', 'index.js');
}

/** CommonJS source that applies the fix in a worker thread, given the kafkajs entry point it will load. */
export function kafkajsTimeoutFixSource(kafkajsMain: string): string {
  return `(${clampRequestQueueTimeout.toString()})(require(${JSON.stringify(requestQueueModule(kafkajsMain))}));`;
}

// A literal require, so that bundles (esbuild) include the module kafkajs itself loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
clampRequestQueueTimeout(require('kafkajs/src/network/requestQueue') as { prototype: object });

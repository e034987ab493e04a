import type { PackedProduceBatch } from './produce-batch';

/** What the producer (the sending process) asks of its client process. */
export type ToClientProcess =
  | { type: 'produce'; batch: PackedProduceBatch }
  | { type: 'call'; id: number; op: 'flush'; timeoutMs: number }
  | { type: 'call'; id: number; op: 'partitions'; topic: string }
  | { type: 'call'; id: number; op: 'disconnect' };

/** A delivery error as it crosses processes: what classifyDeliveryError reads (`code`) and what the logs show. */
export interface CarriedError {
  name: string;
  message: string;
  code?: number;
}

/** What the client process answers. */
export type FromClientProcess =
  | { type: 'ready' }
  | { type: 'failed'; error: CarriedError }
  /** Delivery reports, in the order they came: `errors` holds [index, error] for the failed ones (their partition is -1). */
  | { type: 'reports'; ids: Float64Array; partitions: Int32Array; offsets: Float64Array; errors: Array<[number, CarriedError]> }
  | { type: 'answer'; id: number; ok: true; value?: number }
  | { type: 'answer'; id: number; ok: false; error: CarriedError };

/** The part of a message channel the two sides use (a child process's IPC channel; a MessagePort in tests). */
export interface ClientPort<In, Out> {
  postMessage(message: Out, transfer?: ArrayBuffer[]): void;
  on(event: 'message', listener: (message: In) => void): unknown;
}

export function carried(err: unknown): CarriedError {
  const e = err as { name?: unknown; message?: unknown; code?: unknown } | null;
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : String(err),
    ...(typeof e?.code === 'number' ? { code: e.code } : {}),
  };
}

/** A carried error as an Error again (its `code` kept, for classifyDeliveryError). */
export function revived(e: CarriedError): Error & { code?: number } {
  const err: Error & { code?: number } = new Error(e.message);
  err.name = e.name;
  if (e.code !== undefined) err.code = e.code;
  return err;
}

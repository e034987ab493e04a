import { RecordBatchWriter, type WrittenHeader } from './record-batch';
import { WaitingTable } from './waiting-table';

/** What librdkafka knows of whether a failed record reached the log (`rd_kafka_msg_status_t`). */
export type Persistence = 'not_persisted' | 'possibly_persisted' | 'persisted';
const PERSISTENCE: readonly Persistence[] = ['not_persisted', 'possibly_persisted', 'persisted'];

/** An error from librdkafka: `code` is its `rd_kafka_resp_err_t` (Kafka's codes positive, the client's own negative). */
export class KafkaClientError extends Error {
  override readonly name = 'KafkaError';
  constructor(
    readonly code: number,
    /** librdkafka's name for the code, e.g. `_MSG_TIMED_OUT`, `NOT_LEADER_OR_FOLLOWER`. */
    readonly type: string,
    message: string,
    readonly persistence?: Persistence,
  ) {
    super(message);
  }
}

/** A record's own delivery report: where it was written, or why not. */
export type Report = { ok: true; partition: number; offset: number } | { ok: false; error: KafkaClientError };

/** Who hears a record's report: `onReport` is called exactly once, with that record's own report. */
export interface ReportListener {
  onReport(r: Report): void;
}

export type ClientEvent =
  | { kind: 'error'; code: number; type: string; message: string; fatal: boolean }
  | { kind: 'log'; level: number; facility: string; message: string };

interface NativeProducer {
  produceBatch(topic: string, batch: Uint8Array, count: number): number;
  lastProduceError(): { code: number; type: string; message: string };
  partitionCount(topic: string, timeoutMs: number): Promise<number>;
  initTransactions(timeoutMs: number): Promise<number>;
  beginTransaction(): Promise<number>;
  commitTransaction(timeoutMs: number): Promise<number>;
  abortTransaction(timeoutMs: number): Promise<number>;
  close(): Promise<number>;
}

interface Addon {
  BatchProducer: new (config: Record<string, string>, onEvents: (reports: Float64Array, events: ClientEvent[]) => void) => NativeProducer;
  librdkafkaVersion: string;
  errorName(code: number): string;
  errorText(code: number): string;
}

let addon: Addon | undefined;
function loadAddon(): Addon {
  if (addon) return addon;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    addon = require('@mirrorlab/rdkafka-batch/addon') as Addon;
  } catch (err) {
    throw new Error(
      `the native producer (@mirrorlab/rdkafka-batch) is not built or does not load: run \`npm run setup\` (tools/setup.sh builds it): ${(err as Error).message}`,
      { cause: err },
    );
  }
  return addon;
}

/** The librdkafka version the addon runs on. */
export function librdkafkaVersion(): string {
  return loadAddon().librdkafkaVersion;
}

/** librdkafka's error code for a full local queue (`RD_KAFKA_RESP_ERR__QUEUE_FULL`). */
const ERR_QUEUE_FULL = -184;
/** Fields per report in the array the addon hands over: id, partition, offset, error code, persistence. */
const REPORT_FIELDS = 5;
/** How soon records the client's queue refused are offered again when no report comes first. */
const RETRY_FULL_MS = 5;

export interface BatchProducerOptions {
  /** librdkafka properties (https://github.com/confluentinc/librdkafka/blob/master/CONFIGURATION.md). */
  config: Record<string, string | number | boolean>;
  /** Records held (waiting here, queued in the client, or waiting for their report) before produce() says full. */
  maxQueuedRecords: number;
  /** librdkafka's errors and logs, as events (nothing is printed). */
  onEvent: (e: ClientEvent) => void;
}

/**
 * A librdkafka producer that moves records into the client and delivery reports out of it in
 * batches (native/batch_producer.cc). `produce` packs a record and returns; the records packed in
 * one turn of the event loop go to librdkafka in one call. Each record carries an id, and its
 * delivery report comes back with that id: the record's listener hears exactly once, with that
 * record's own partition and offset or its error.
 */
export class BatchProducer {
  private readonly native: NativeProducer;
  private readonly waiting: WaitingTable<ReportListener>;
  private readonly pending = new Map<string, RecordBatchWriter>();
  private lastTopic = '';
  private lastBatch: RecordBatchWriter | undefined;
  private nextId = 0;
  private sendScheduled = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private drained: Array<() => void> = [];
  private closed = false;

  constructor(private readonly o: BatchProducerOptions) {
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.config)) config[k] = String(v);
    this.waiting = new WaitingTable(o.maxQueuedRecords);
    this.native = new (loadAddon().BatchProducer)(config, (reports, events) => this.onNative(reports, events));
  }

  /** Records accepted whose report has not been handed to their listener yet. */
  get outstanding(): number {
    return this.waiting.size;
  }

  /**
   * Takes one record for `topic`'s `partition`. Returns false, taking nothing, when
   * `maxQueuedRecords` are outstanding (try again after some reports).
   */
  produce(
    topic: string,
    partition: number,
    key: Buffer,
    value: Buffer,
    headers: Record<string, Buffer>,
    listener: ReportListener,
  ): boolean {
    if (this.full()) return false;
    const id = this.nextId;
    this.batchOf(topic).append(id, partition, key, value, headers);
    this.accepted(id, listener);
    return true;
  }

  /** `produce` of a record with one header, whose value is written straight into the batch (no buffer per record). */
  produceWithHeader(
    topic: string,
    partition: number,
    key: Buffer,
    value: Buffer,
    header: WrittenHeader,
    listener: ReportListener,
  ): boolean {
    if (this.full()) return false;
    const id = this.nextId;
    this.batchOf(topic).appendWithHeader(id, partition, key, value, header);
    this.accepted(id, listener);
    return true;
  }

  /** Whether `maxQueuedRecords` are outstanding (throws on a closed producer). */
  private full(): boolean {
    if (this.closed) throw new Error('produce on a closed producer');
    return this.waiting.size >= this.o.maxQueuedRecords;
  }

  /** The record `id`, packed: its listener waits, the next id is taken, the batch's sending is scheduled. */
  private accepted(id: number, listener: ReportListener): void {
    this.nextId = (id + 1) >>> 0;
    this.waiting.set(id, listener);
    if (!this.sendScheduled) {
      this.sendScheduled = true;
      queueMicrotask(this.sendPendingTask);
    }
  }

  private readonly sendPendingTask = (): void => this.sendPending();

  /** The batch being packed for `topic`: the last one asked for, mostly (a producer writes one topic at a time). */
  private batchOf(topic: string): RecordBatchWriter {
    if (topic === this.lastTopic && this.lastBatch !== undefined) return this.lastBatch;
    let batch = this.pending.get(topic);
    if (batch === undefined) {
      batch = new RecordBatchWriter();
      this.pending.set(topic, batch);
    }
    this.lastTopic = topic;
    this.lastBatch = batch;
    return batch;
  }

  /** Resolves once every record accepted has had its report, or after `timeoutMs`. */
  flush(timeoutMs: number): Promise<void> {
    this.sendPending();
    if (this.waiting.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        // Gone from the list already when the last report called it; after a timeout, taken out here.
        const at = this.drained.indexOf(done);
        if (at >= 0) this.drained.splice(at, 1);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.drained.push(done);
    });
  }

  partitionCount(topic: string, timeoutMs: number): Promise<number> {
    return this.native.partitionCount(topic, timeoutMs);
  }

  async initTransactions(timeoutMs: number): Promise<void> {
    await this.native.initTransactions(timeoutMs);
  }

  async beginTransaction(): Promise<void> {
    await this.native.beginTransaction();
  }

  /** Hands librdkafka every record taken so far, then commits them. */
  async commitTransaction(timeoutMs: number): Promise<void> {
    this.sendPending();
    await this.native.commitTransaction(timeoutMs);
  }

  async abortTransaction(timeoutMs: number): Promise<void> {
    this.sendPending();
    await this.native.abortTransaction(timeoutMs);
  }

  /** Destroys the client. Records without a report by now get none: flush first. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.native.close();
    for (const done of this.drained.splice(0)) done();
  }

  private sendPending(): void {
    this.sendScheduled = false;
    if (this.closed) return;
    let full = false;
    for (const [topic, batch] of this.pending) {
      while (batch.count > 0) {
        const taken = this.native.produceBatch(topic, batch.bytes(), batch.count);
        if (taken === batch.count) {
          batch.clear();
          break;
        }
        const err = this.native.lastProduceError();
        if (err.code === ERR_QUEUE_FULL) {
          batch.dropFirst(taken);
          full = true;
          break;
        }
        // Refused before it was queued (unknown partition, too large for the client): that
        // record's own failure; the ones after it are offered again.
        const id = batch.idAt(taken);
        batch.dropFirst(taken + 1);
        this.report(id, { ok: false, error: new KafkaClientError(err.code, err.type, err.message, 'not_persisted') });
      }
    }
    if (full && this.retryTimer === undefined) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.sendPending();
      }, RETRY_FULL_MS);
    }
  }

  private onNative(reports: Float64Array, events: ClientEvent[]): void {
    for (let i = 0; i < reports.length; i += REPORT_FIELDS) {
      const id = reports[i]!;
      const code = reports[i + 3]!;
      if (code === 0) {
        this.report(id, { ok: true, partition: reports[i + 1]!, offset: reports[i + 2]! });
      } else {
        const persistence = PERSISTENCE[reports[i + 4]!] ?? 'possibly_persisted';
        this.report(id, { ok: false, error: deliveryError(code, persistence) });
      }
    }
    for (const e of events) this.o.onEvent(e);
    if (this.retryTimer !== undefined && reports.length > 0) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.sendPending();
    }
  }

  private report(id: number, r: Report): void {
    const listener = this.waiting.take(id);
    if (listener === undefined) {
      this.o.onEvent({
        kind: 'error',
        code: -1,
        type: 'UNKNOWN_REPORT',
        message: `a delivery report for record id ${id}, which is not waiting`,
        fatal: false,
      });
      return;
    }
    try {
      listener.onReport(r);
    } catch (err) {
      // The other reports of the batch still go out; the error surfaces as uncaught, as it would from a callback.
      setImmediate(() => {
        throw err;
      });
    }
    if (this.waiting.size === 0 && this.drained.length > 0) for (const done of this.drained.splice(0)) done();
  }
}

function deliveryError(code: number, persistence: Persistence): KafkaClientError {
  const a = loadAddon();
  return new KafkaClientError(
    code,
    a.errorName(code),
    `delivery failed: ${a.errorText(code)} (${persistence.replace('_', ' ')})`,
    persistence,
  );
}

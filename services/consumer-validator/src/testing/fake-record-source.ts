import { partitionId, type Watermarks } from '../drain';
import type { TargetRecord } from '../record-intake';
import type { RecordSource, RecordSourceHandlers } from '../record-source';

/**
 * A record source for unit tests: the test plays the consumer group (assignments,
 * rebalances) and the broker (batches, watermarks), and sees what the run asked for
 * (seeks, resolved offsets, commits).
 */
export class FakeRecordSource implements RecordSource {
  handlers: RecordSourceHandlers | undefined;
  readonly seeks: Array<{ topic: string; partition: number; offset: number }> = [];
  readonly resolved: string[] = [];
  readonly commits: Array<Array<{ topic: string; partition: number; offset: number }>> = [];
  readonly calls: string[] = [];
  /** Partitions whose batches the group has taken away mid-batch (`isCurrent` false). */
  readonly stale = new Set<string>();

  constructor(
    private readonly topics: string[],
    readonly wms: Map<string, Watermarks> = new Map(),
    private readonly logAppendTime = false,
  ) {}

  async connect() {
    this.calls.push('connect');
  }
  async listTopics() {
    return this.topics;
  }
  async usesLogAppendTime() {
    return this.logAppendTime;
  }
  async watermarks(topic: string) {
    return new Map([...this.wms].filter(([id]) => id.startsWith(`${topic}\u0000`)));
  }
  async consume(_topics: readonly string[], handlers: RecordSourceHandlers) {
    this.calls.push('consume');
    this.handlers = handlers;
  }
  /** What `isRebalancing` says: a client on another thread that has begun a rebalance the run was not told of yet. */
  rebalancingUntold = false;
  isRebalancing() {
    return this.rebalancingUntold;
  }
  async commit(offsets: ReadonlyArray<{ topic: string; partition: number; offset: number }>) {
    this.commits.push([...offsets]);
  }
  async stopConsuming() {
    this.calls.push('stopConsuming');
  }
  async close() {
    this.calls.push('close');
  }

  /** Resolves once the run has joined the group (called `consume`). */
  async joined(): Promise<RecordSourceHandlers> {
    while (this.handlers === undefined) await new Promise((r) => setImmediate(r));
    return this.handlers;
  }

  /** A rebalance that ends with this member owning `assignment`. */
  assign(assignment: Record<string, number[]>): void {
    this.handlers!.onRebalancing();
    this.handlers!.onAssignment(assignment);
  }

  /** Hands over a batch of one partition; `firstOffset` / `lastOffset` default to the records'. */
  async deliver(
    records: TargetRecord[],
    opts: { topic?: string; partition?: number; firstOffset?: number; lastOffset?: number } = {},
  ): Promise<void> {
    const topic = opts.topic ?? records[0].topic;
    const partition = opts.partition ?? records[0].partition;
    await this.handlers!.onBatch(
      {
        topic,
        partition,
        firstOffset: opts.firstOffset ?? records[0]?.offset ?? null,
        lastOffset: opts.lastOffset ?? records[records.length - 1].offset,
        records,
      },
      {
        isCurrent: () => !this.stale.has(partitionId(topic, partition)),
        resolveOffset: (offset) => void this.resolved.push(`${topic}-${partition}@${offset}`),
        seek: (offset) => void this.seeks.push({ topic, partition, offset }),
        heartbeat: async () => undefined,
      },
    );
  }
}

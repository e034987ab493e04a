import type { LatencyHistograms } from '@mirrorlab/validation';

const STRIDE = 4;

/**
 * Latency samples of records read but not yet covered by a published report,
 * per partition. A validator's histograms must count exactly the records its
 * published state claims: when a partition moves to another validator, the new
 * owner re-reads from the last published offset, so samples taken after that
 * point are dropped here rather than counted twice.
 */
export class PendingLatency {
  /** Per partition id: flat quadruples of arrival, end-to-end, replication and from-schedule latency (µs, -1 when absent). */
  private readonly byPartition = new Map<string, number[]>();

  add(partitionId: string, arrivalUs: number, endToEndUs: number, replicationUs?: number, fromScheduleUs?: number): void {
    let samples = this.byPartition.get(partitionId);
    if (!samples) this.byPartition.set(partitionId, (samples = []));
    samples.push(arrivalUs, endToEndUs, replicationUs ?? -1, fromScheduleUs ?? -1);
  }

  /** The partition was taken away before its samples were published: its next owner measures them. */
  drop(partitionId: string): void {
    this.byPartition.delete(partitionId);
  }

  /** Moves every pending sample into the histograms; call in the same tick as the state snapshot. */
  foldInto(endToEnd: LatencyHistograms, replication?: LatencyHistograms, fromSchedule?: LatencyHistograms): void {
    for (const samples of this.byPartition.values()) {
      for (let i = 0; i < samples.length; i += STRIDE) {
        endToEnd.record(samples[i], samples[i + 1]);
        if (replication && samples[i + 2] >= 0) replication.record(samples[i], samples[i + 2]);
        if (fromSchedule && samples[i + 3] >= 0) fromSchedule.record(samples[i], samples[i + 3]);
      }
    }
    this.byPartition.clear();
  }

  get size(): number {
    let n = 0;
    for (const samples of this.byPartition.values()) n += samples.length / STRIDE;
    return n;
  }
}

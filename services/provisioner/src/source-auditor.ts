import type { Admin } from 'kafkajs';
import type { SourcePartitionOffsets } from '@mirrorlab/control';
import type { ControlEventInput } from '@mirrorlab/control';
import type { Logger } from '@mirrorlab/service-kit';
import type { Clock } from '@mirrorlab/service-kit';

/** Reads the source partitions' log start offsets and high watermarks (admin ListOffsets). */
export interface SourceOffsetsReader {
  partitionOffsets(topics: readonly string[]): Promise<SourcePartitionOffsets[]>;
}

export function kafkaSourceOffsets(admin: Pick<Admin, 'fetchTopicOffsets'>): SourceOffsetsReader {
  return {
    async partitionOffsets(topics) {
      const out: SourcePartitionOffsets[] = [];
      for (const topic of topics) {
        for (const p of await admin.fetchTopicOffsets(topic)) {
          out.push({ topic, partition: p.partition, logStartOffset: Number(p.low), highWatermark: Number(p.high) });
        }
      }
      return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
    },
  };
}

export interface SourceAuditorDeps {
  reader: SourceOffsetsReader;
  publish: (event: ControlEventInput) => Promise<void>;
  clock: Clock;
  logger: Logger;
  /** `source` of the events (the provisioner's instance id). */
  source: string;
  intervalMs: number;
}

export interface RunningAudit {
  /** Takes one last sample and stops. */
  stop(): Promise<void>;
}

/**
 * The source audit of one run: every `intervalMs`, each source partition's log start offset
 * and high watermark, published as `source.audit`. The report tells with them a record
 * retention purged (or the source truncated) before the replicator copied it from one the
 * replicator lost. Lives in the provisioner because it owns the run's lifetime and already
 * holds a source admin client; a failed sample is logged and the next one tried (a gap in
 * the audit leaves the affected records unaudited, never misclassified).
 */
export class SourceAuditor {
  constructor(private readonly d: SourceAuditorDeps) {}

  start(scenarioId: string, topics: readonly string[]): RunningAudit {
    const stopped = new AbortController();
    const sampleOnce = async (): Promise<void> => {
      try {
        const partitions = await this.d.reader.partitionOffsets(topics);
        await this.d.publish({ v: 1, type: 'source.audit', scenarioId, atMs: this.d.clock.nowMs(), source: this.d.source, partitions });
      } catch (err) {
        this.d.logger.warn('source_audit_failed', { scenarioId, err });
      }
    };
    const loop = (async () => {
      while (!stopped.signal.aborted) {
        await sampleOnce();
        await this.d.clock.sleep(this.d.intervalMs, stopped.signal).catch(() => undefined);
      }
    })();
    return {
      async stop() {
        if (stopped.signal.aborted) return;
        stopped.abort();
        await loop;
        await sampleOnce();
      },
    };
  }
}

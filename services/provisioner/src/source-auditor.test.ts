import type { SourcePartitionOffsets } from '@mirrorlab/control';
import type { ControlEventInput } from '@mirrorlab/control';
import { createLogger } from '@mirrorlab/service-kit';
import type { Clock } from '@mirrorlab/service-kit';
import { kafkaSourceOffsets, SourceAuditor } from './source-auditor';

/** A clock whose sleeps end at once (each advancing time), unless aborted. */
function stepClock(): Clock {
  let now = 1_000;
  return {
    nowMs: () => now,
    nowUs: () => now * 1000,
    async sleep(ms, signal) {
      now += ms;
      await new Promise((r) => setImmediate(r));
      if (signal?.aborted) throw signal.reason;
    },
  };
}

describe('SourceAuditor', () => {
  it('publishes each sample as source.audit until stopped, then one last sample', async () => {
    const events: ControlEventInput[] = [];
    let reads = 0;
    const reader = {
      partitionOffsets: async (topics: readonly string[]): Promise<SourcePartitionOffsets[]> => {
        reads++;
        return topics.map((topic) => ({ topic, partition: 0, logStartOffset: reads, highWatermark: 10 * reads }));
      },
    };
    const auditor = new SourceAuditor({
      reader,
      publish: async (e) => void events.push(e),
      clock: stepClock(),
      logger: createLogger({ service: 't', instance: 't', write: () => undefined }),
      source: 'prov',
      intervalMs: 2000,
    });
    const audit = auditor.start('sc-1', ['orders']);
    while (events.length < 3) await new Promise((r) => setImmediate(r));
    await audit.stop();
    const samples = events.map((e) => e as Extract<ControlEventInput, { type: 'source.audit' }>);
    expect(samples.every((e) => e.type === 'source.audit' && e.scenarioId === 'sc-1')).toBe(true);
    expect(samples.map((e) => e.partitions[0].logStartOffset)).toEqual(samples.map((_, i) => i + 1));
    // The last one is the sample stop() takes.
    expect(samples[samples.length - 1].partitions).toEqual([
      { topic: 'orders', partition: 0, logStartOffset: reads, highWatermark: 10 * reads },
    ]);
    const count = events.length;
    await audit.stop();
    expect(events.length).toBe(count);
  });

  it('logs a failed sample and goes on with the next', async () => {
    const events: ControlEventInput[] = [];
    const logged: string[] = [];
    let reads = 0;
    const reader = {
      partitionOffsets: async (): Promise<SourcePartitionOffsets[]> => {
        if (++reads === 1) throw new Error('broker down');
        return [{ topic: 't', partition: 1, logStartOffset: 0, highWatermark: 5 }];
      },
    };
    const logger = createLogger({ service: 't', instance: 't', write: (line: string) => void logged.push(line) });
    const audit = new SourceAuditor({
      reader,
      publish: async (e) => void events.push(e),
      clock: stepClock(),
      logger,
      source: 'prov',
      intervalMs: 1000,
    }).start('sc-1', ['t']);
    while (events.length < 1) await new Promise((r) => setImmediate(r));
    await audit.stop();
    expect(logged.some((l) => l.includes('source_audit_failed'))).toBe(true);
    expect(events.length).toBeGreaterThanOrEqual(2);
  });
});

describe('kafkaSourceOffsets', () => {
  it("reads each topic's partitions: low is the log start offset, high the high watermark", async () => {
    const admin = {
      fetchTopicOffsets: async (topic: string) =>
        [
          { partition: 1, offset: '9', high: '9', low: '4' },
          { partition: 0, offset: '7', high: '7', low: '0' },
        ].map((p) => ({ ...p, topic })),
    };
    expect(await kafkaSourceOffsets(admin as never).partitionOffsets(['b', 'a'])).toEqual([
      { topic: 'a', partition: 0, logStartOffset: 0, highWatermark: 7 },
      { topic: 'a', partition: 1, logStartOffset: 4, highWatermark: 9 },
      { topic: 'b', partition: 0, logStartOffset: 0, highWatermark: 7 },
      { topic: 'b', partition: 1, logStartOffset: 4, highWatermark: 9 },
    ]);
  });
});

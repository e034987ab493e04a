import { ScenarioRunError } from './errors';
import { fakeClock, scenario, silentLogger } from './testing/world';
import { targetTopicName, TopicProvisioner, type TopicAdmin } from './topic-provisioning';

class FakeAdmin implements TopicAdmin {
  topics = new Map<string, number>();
  created: Array<{ name: string; partitions: number; replicationFactor: number; configs: Record<string, string> }> = [];
  async partitionCounts(names: readonly string[]) {
    return new Map(names.filter((n) => this.topics.has(n)).map((n) => [n, this.topics.get(n)!]));
  }
  async create(t: { name: string; partitions: number; replicationFactor: number; configs: Record<string, string> }) {
    this.created.push(t);
    this.topics.set(t.name, t.partitions);
  }
}

function setup() {
  const source = new FakeAdmin();
  const target = new FakeAdmin();
  const clock = fakeClock();
  return { source, target, clock, p: new TopicProvisioner({ source, target, clock, logger: silentLogger(), pollMs: 1000 }) };
}

describe('targetTopicName', () => {
  it('follows the replicator naming policy', () => {
    expect(targetTopicName(scenario().spec, 'orders')).toBe('source.orders');
    expect(targetTopicName(scenario({ replicator: { sourceAlias: 'dc1' } }).spec, 'orders')).toBe('dc1.orders');
    expect(targetTopicName(scenario({ replicator: { topicNaming: 'identity' } }).spec, 'orders')).toBe('orders');
  });
});

describe('TopicProvisioner', () => {
  it('creates the spec topics with partitions, replication factor and retention.ms', async () => {
    const { source, p } = setup();
    await p.ensureSourceTopics(
      scenario({
        topics: [
          { name: 'a', partitions: 3, replicationFactor: 2, retention: '1h' },
          { name: 'b', partitions: 1 },
        ],
      }).spec,
    );
    expect(source.created).toEqual([
      { name: 'a', partitions: 3, replicationFactor: 2, configs: { 'retention.ms': '3600000' } },
      { name: 'b', partitions: 1, replicationFactor: 3, configs: {} },
    ]);
  });

  it('reuses an existing topic with the same partition count', async () => {
    const { source, p } = setup();
    source.topics.set('a', 3);
    await p.ensureSourceTopics(scenario({ topics: [{ name: 'a', partitions: 3 }] }).spec);
    expect(source.created).toEqual([]);
  });

  it('refuses an existing topic with another partition count, naming it', async () => {
    const { source, p } = setup();
    source.topics.set('a', 2);
    await expect(p.ensureSourceTopics(scenario({ topics: [{ name: 'a', partitions: 3 }] }).spec)).rejects.toMatchObject({
      code: 'topic_conflict',
      message: expect.stringContaining('source topic a exists with 2 partitions'),
    });
  });

  it('waits until the replicator has created every target topic with its partitions', async () => {
    const { target, clock, p } = setup();
    const t0 = clock.nowMs();
    clock.onSleep = (now) => {
      if (now - t0 >= 3000) target.topics.set('source.a', 1);
      if (now - t0 >= 5000) target.topics.set('source.a', 3);
    };
    await p.waitForTargetTopics([{ topic: 'source.a', partitions: 3 }], 60_000, new AbortController().signal);
    expect(clock.nowMs() - t0).toBe(5000);
  });

  it('times out naming the missing topic', async () => {
    const { target, p } = setup();
    target.topics.set('source.a', 3);
    const err = await p
      .waitForTargetTopics(
        [
          { topic: 'source.a', partitions: 3 },
          { topic: 'source.b', partitions: 2 },
        ],
        10_000,
        new AbortController().signal,
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioRunError);
    expect(err).toMatchObject({
      code: 'replicator_timeout',
      message: expect.stringMatching(/^target topic source\.b does not exist after 10 s \(expected 2 partitions\)/),
    });
  });
});

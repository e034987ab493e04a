import { parseProperties, plannedLab } from './testing';
import { javaArgs, LAB_MM2_OFFSET_LAG_MAX, renderBrokerProperties, renderMm2Properties, renderProperties, renderRedisConf } from './config';
import type { LabState } from './state';

const lab: LabState = plannedLab({ dir: '/tmp/lab-y', replicationPolicy: 'identity', topics: 'orders|payments' });

test('renderProperties writes key=value lines and comments', () => {
  expect(renderProperties(['hello', ['a', 1], ['b', true], ''])).toBe('# hello\na=1\nb=true\n\n');
});

describe('broker properties', () => {
  const target2 = lab.processes.find((p) => p.name === 'target-2')!;
  const props = parseProperties(renderBrokerProperties(lab, target2));

  test('combined KRaft node with a static quorum of its own cluster only', () => {
    expect(props.get('process.roles')).toBe('broker,controller');
    expect(props.get('node.id')).toBe('2');
    expect(props.get('controller.quorum.voters')).toBe('1@10.213.7.6:21017,2@10.213.7.6:21018,3@10.213.7.6:21019');
    expect(props.get('listeners')).toBe('CLIENT://10.213.7.6:21015,CONTROLLER://10.213.7.6:21018');
    expect(props.get('advertised.listeners')).toBe('CLIENT://10.213.7.6:21015');
    expect(props.get('log.dirs')).toBe('/tmp/lab-y/target-2/data');
  });

  test('a source broker also listens for cross-DC clients, advertised as its proxy', () => {
    const source1 = parseProperties(
      renderBrokerProperties(
        lab,
        lab.processes.find((p) => p.name === 'source-1')!,
      ),
    );
    expect(source1.get('listeners')).toBe('CLIENT://10.213.7.2:21008,CONTROLLER://10.213.7.2:21011,CROSSDC://10.213.7.2:21024');
    expect(source1.get('advertised.listeners')).toBe('CLIENT://10.213.7.2:21008,CROSSDC://10.213.7.2:21027');
    expect(source1.get('listener.security.protocol.map')).toBe('CLIENT:PLAINTEXT,CONTROLLER:PLAINTEXT,CROSSDC:PLAINTEXT');
  });

  test('durable defaults', () => {
    expect(props.get('default.replication.factor')).toBe('3');
    expect(props.get('min.insync.replicas')).toBe('2');
    expect(props.get('offsets.topic.replication.factor')).toBe('3');
    expect(props.get('transaction.state.log.replication.factor')).toBe('3');
    expect(props.get('transaction.state.log.min.isr')).toBe('2');
    expect(props.get('unclean.leader.election.enable')).toBe('false');
    expect(props.get('auto.create.topics.enable')).toBe('false');
    expect(props.get('group.initial.rebalance.delay.ms')).toBe('0');
  });

  test('refuses a non-broker', () => {
    expect(() =>
      renderBrokerProperties(
        lab,
        lab.processes.find((p) => p.role === 'redis')!,
      ),
    ).toThrow(RangeError);
  });
});

describe('mm2 properties', () => {
  const props = parseProperties(renderMm2Properties(lab));

  test('one flow source->target with the lab bootstraps, policy and topics', () => {
    expect(props.get('clusters')).toBe('source, target');
    // MM2 sits in the target datacenter: it reads the source through the inter-DC proxies.
    expect(props.get('source.bootstrap.servers')).toBe(lab.interDcProxy?.bootstrap);
    expect(props.get('source.bootstrap.servers')).toBe('10.213.7.2:21027,10.213.7.2:21028,10.213.7.2:21029');
    expect(props.get('target.bootstrap.servers')).toBe(lab.target.bootstrap);
    expect(props.get('source->target.enabled')).toBe('true');
    expect(props.get('target->source.enabled')).toBe('false');
    expect(props.get('source->target.topics')).toBe('orders|payments');
    // MM2 splits the list at commas and matches each regex against the whole name (Java's Pattern.matches).
    const excluded = (name: string) =>
      props
        .get('source->target.topics.exclude')!
        .split(',')
        .some((p) => new RegExp(`^(?:${p.trim()})$`).test(name));
    expect(['unmirrored.pbench-1', 'mm2-offsets.source.internal', 'orders.replica', '__consumer_offsets'].filter(excluded)).toHaveLength(4);
    expect(['orders', 'unmirrored', 'my.unmirrored.x', 'mm2-ish', 'internal'].filter(excluded)).toEqual([]);
    expect(props.get('replication.policy.class')).toBe('org.apache.kafka.connect.mirror.IdentityReplicationPolicy');
  });

  test('fast refresh, RF 3 everywhere, safe producer, internal REST', () => {
    expect(props.get('refresh.topics.interval.seconds')).toBe('5');
    expect(props.get('refresh.groups.interval.seconds')).toBe('5');
    expect(props.get('sync.topic.acls.enabled')).toBe('false');
    for (const key of [
      'replication.factor',
      'offset.storage.replication.factor',
      'status.storage.replication.factor',
      'config.storage.replication.factor',
      'heartbeats.topic.replication.factor',
      'checkpoints.topic.replication.factor',
      'offset-syncs.topic.replication.factor',
    ]) {
      expect([key, props.get(key)]).toEqual([key, '3']);
    }
    expect(props.get('target.producer.acks')).toBe('all');
    expect(props.get('target.producer.enable.idempotence')).toBe('true');
    expect(props.get('dedicated.mode.enable.internal.rest')).toBe('true');
    expect(props.get('listeners')).toBe('http://10.213.7.6:21020');
    expect(props.get('emit.heartbeats.enabled')).toBe('true');
    expect(props.get('emit.checkpoints.enabled')).toBe('true');
  });

  test('checkpoints and target group offsets every second, offset.lag.max at its default', () => {
    expect(props.get('emit.checkpoints.interval.seconds')).toBe('1');
    expect(props.get('sync.group.offsets.enabled')).toBe('true');
    expect(props.get('sync.group.offsets.interval.seconds')).toBe('1');
    expect(props.get('offset.lag.max')).toBe(String(LAB_MM2_OFFSET_LAG_MAX));
    expect(LAB_MM2_OFFSET_LAG_MAX).toBe(100);
  });
});

test('redis.conf: loopback, no persistence, cmdline keeps the config path', () => {
  const conf = renderRedisConf(lab.processes.find((p) => p.role === 'redis')!);
  expect(conf).toContain('bind 127.0.0.1\n');
  expect(conf).toContain('port 21021\n');
  expect(conf).toContain('save ""\n');
  expect(conf).toContain('appendonly no\n');
  expect(conf).toContain('set-proc-title no\n');
});

test('java args: heap, classpath wildcard, log4j2 config, main class last before its args', () => {
  const args = javaArgs({
    libsDir: '/c/libs',
    log4jConfig: '/l/log4j2.properties',
    jvm: { heapMb: 320, initialHeapMb: 128 },
    mainClass: 'kafka.Kafka',
    args: ['/l/s.properties'],
  });
  expect(args).toEqual(expect.arrayContaining(['-Xms128m', '-Xmx320m', '-Dlog4j2.configurationFile=/l/log4j2.properties']));
  expect(args.slice(-4)).toEqual(['-cp', '/c/libs/*', 'kafka.Kafka', '/l/s.properties']);
});

describe('replicator mode in mm2.properties', () => {
  it('dedicated (and a lab from before modes): no exactly-once support, the source consumer at its default', () => {
    for (const mode of [undefined, 'dedicated'] as const) {
      const p = parseProperties(renderMm2Properties({ ...lab, mm2: { ...lab.mm2, mode } }));
      expect(p.has('target.exactly.once.source.support')).toBe(false);
      expect(p.has('source.consumer.isolation.level')).toBe(false);
      expect(p.get('dedicated.mode.enable.internal.rest')).toBe('true');
    }
  });

  it('dedicated-eos: exactly-once source support on the target worker, read_committed source consumer, internal REST', () => {
    const p = parseProperties(renderMm2Properties({ ...lab, mm2: { ...lab.mm2, mode: 'dedicated-eos' } }));
    expect(p.get('target.exactly.once.source.support')).toBe('enabled');
    expect(p.get('source.consumer.isolation.level')).toBe('read_committed');
    expect(p.get('dedicated.mode.enable.internal.rest')).toBe('true');
    expect(p.get('listeners')).toMatch(/^http:\/\//);
  });
});

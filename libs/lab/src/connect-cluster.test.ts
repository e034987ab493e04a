import { parseProperties, plannedLab } from './testing';
import { renderMm2Properties, renderProperties } from './config';
import {
  SECOND_CONNECT_WORKER,
  connectNames,
  connectWorkerProperties,
  connectWorkerUrl,
  mm2ConnectorConfigs,
  planReplicatorWorkers,
} from './connect-cluster';
import { allPorts, portsForBase } from './topology';
import type { LabState } from './state';

const plan = (): LabState => plannedLab({ dir: '/tmp/lab-c' });

const connectLab = (): LabState => {
  const lab = plan();
  lab.mm2.mode = 'connect';
  planReplicatorWorkers(lab);
  return lab;
};

describe('replicator mode connect: the planned workers', () => {
  test('connect mode adds a second worker next to mm2, on the block port no other process uses', () => {
    const lab = connectLab();
    const workers = lab.processes.filter((p) => p.role === 'mirrormaker2');
    expect(workers.map((w) => [w.name, w.host, w.netns, w.ports.rest])).toEqual([
      ['mm2', '10.213.7.6', 'mlabc123-tgt', 21020],
      [SECOND_CONNECT_WORKER, '10.213.7.6', 'mlabc123-tgt', 21031],
    ]);
    expect(allPorts(portsForBase(21008))).not.toContain(21031);
    expect(lab.processes.map((p) => p.name)).toEqual([...new Set(lab.processes.map((p) => p.name))]);
    expect(connectWorkerUrl(workers[1])).toBe('http://10.213.7.6:21031');
  });

  test('adding is idempotent; a dedicated mode drops the second worker and returns it to be stopped', () => {
    const lab = connectLab();
    expect(planReplicatorWorkers(lab)).toEqual({ added: null, removed: null });
    lab.mm2.mode = 'dedicated-eos';
    const { removed } = planReplicatorWorkers(lab);
    expect(removed?.name).toBe(SECOND_CONNECT_WORKER);
    expect(lab.processes.filter((p) => p.role === 'mirrormaker2').map((p) => p.name)).toEqual(['mm2']);
    expect(planReplicatorWorkers(lab)).toEqual({ added: null, removed: null });
  });

  test("on loopback, a port another process on the worker's host holds is skipped", () => {
    const lab = plan();
    const prometheus = {
      ...lab.processes.find((p) => p.name === 'redis')!,
      name: 'prometheus',
      host: lab.processes.find((p) => p.name === 'mm2')!.host,
      ports: { web: 21031 },
    };
    lab.processes.push(prometheus);
    lab.mm2.mode = 'connect';
    expect(planReplicatorWorkers(lab).added?.ports.rest).toBe(21032);
  });

  test('a dedicated lab has no second worker', () => {
    const lab = plan();
    expect(planReplicatorWorkers(lab)).toEqual({ added: null, removed: null });
    expect(lab.processes.filter((p) => p.role === 'mirrormaker2')).toHaveLength(1);
  });
});

describe('replicator mode connect: worker and connector configs', () => {
  const lab = connectLab();
  const worker = lab.processes.find((p) => p.name === SECOND_CONNECT_WORKER)!;
  const props = parseProperties(renderProperties(connectWorkerProperties(lab, worker)));

  test("each worker joins dedicated mode's Connect group and internal topics on the target, at-least-once", () => {
    expect(props.get('bootstrap.servers')).toBe(lab.target.bootstrap);
    expect(props.get('group.id')).toBe('source-mm2');
    expect(props.get('config.storage.topic')).toBe('mm2-configs.source.internal');
    expect(props.get('offset.storage.topic')).toBe('mm2-offsets.source.internal');
    expect(props.get('status.storage.topic')).toBe(lab.mm2.statusTopic);
    expect(connectNames(lab).statusTopic).toBe('mm2-status.source.internal');
    for (const k of ['config', 'offset', 'status']) expect(props.get(`${k}.storage.replication.factor`)).toBe('3');
    expect(props.get('exactly.once.source.support')).toBe('disabled');
    expect(props.get('listeners')).toBe('http://10.213.7.6:21031');
    expect(props.get('rest.advertised.host.name')).toBe('10.213.7.6');
    expect(props.get('rest.advertised.port')).toBe('21031');
    expect(props.get('scheduled.rebalance.max.delay.ms')).toBe('10000');
    expect(props.get('producer.acks')).toBe('all');
    // Byte arrays through, headers included: Connect's default header converter would rewrite them.
    for (const c of ['key', 'value', 'header'])
      expect(props.get(`${c}.converter`)).toBe('org.apache.kafka.connect.converters.ByteArrayConverter');
  });

  test("the connectors carry dedicated mode's settings: cross-DC source, refresh, checkpoints, RF 3", () => {
    const configs = mm2ConnectorConfigs(lab);
    const dedicated = parseProperties(renderMm2Properties(plan()));
    expect(Object.keys(configs)).toEqual(['MirrorSourceConnector', 'MirrorCheckpointConnector', 'MirrorHeartbeatConnector']);
    for (const [name, config] of Object.entries(configs)) {
      expect(config['connector.class']).toBe(`org.apache.kafka.connect.mirror.${name}`);
      expect(config['source.cluster.bootstrap.servers']).toBe(lab.interDcProxy!.bootstrap);
      expect(config['source.cluster.bootstrap.servers']).toBe(dedicated.get('source.bootstrap.servers'));
      expect(config['target.cluster.bootstrap.servers']).toBe(dedicated.get('target.bootstrap.servers'));
      expect(config['replication.policy.class']).toBe(dedicated.get('replication.policy.class'));
      expect(config['tasks.max']).toBe(dedicated.get('tasks.max'));
      expect(config['replication.factor']).toBe('3');
      expect(Object.values(config).every((v) => typeof v === 'string')).toBe(true);
    }
    const same = (connector: keyof typeof configs, keys: string[]) =>
      keys.forEach((k) => expect([k, configs[connector][k]]).toEqual([k, dedicated.get(k)]));
    same('MirrorSourceConnector', ['refresh.topics.interval.seconds', 'sync.topic.configs.enabled', 'offset.lag.max']);
    expect(configs.MirrorSourceConnector.topics).toBe(dedicated.get('source->target.topics'));
    expect(configs.MirrorSourceConnector['topics.exclude']).toBe(dedicated.get('source->target.topics.exclude'));
    same('MirrorCheckpointConnector', [
      'refresh.groups.interval.seconds',
      'emit.checkpoints.interval.seconds',
      'sync.group.offsets.enabled',
      'sync.group.offsets.interval.seconds',
    ]);
    same('MirrorHeartbeatConnector', ['emit.heartbeats.interval.seconds']);
  });
});

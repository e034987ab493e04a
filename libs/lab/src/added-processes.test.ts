import { parseProperties, plannedLab } from './testing';
import { renderBrokerProperties, renderMm2Properties } from './config';
import { addedProcesses, isWorkerId, mm2WorkerId, pickAddedPort } from './added-processes';
import type { LabProcess, LabState } from './state';

function lab(mode: 'netns' | 'loopback' = 'netns'): LabState {
  return plannedLab({ mode });
}

function added(state: LabState, fields: Partial<LabProcess> & Pick<LabProcess, 'name' | 'role'>): LabProcess {
  const base = state.processes.find((p) => p.role === fields.role)!;
  const proc: LabProcess = {
    ...base,
    dir: `/tmp/lab-x/${fields.name}`,
    configFile: `/tmp/lab-x/${fields.name}/x.properties`,
    addedBy: 's1/f0',
    ...fields,
  };
  state.processes.push(proc);
  return proc;
}

test('an added broker is broker-only, joins the static voters of its cluster, and never becomes a voter', () => {
  const state = lab();
  const extra = added(state, { name: 'source-4', role: 'broker', cluster: 'source', nodeId: 4, ports: { client: 21022 } });
  const props = parseProperties(renderBrokerProperties(state, extra));
  expect(props.get('process.roles')).toBe('broker');
  expect(props.get('node.id')).toBe('4');
  expect(props.get('listeners')).toBe('CLIENT://10.213.7.2:21022');
  expect(props.get('controller.quorum.voters')).toBe('1@10.213.7.2:21011,2@10.213.7.2:21012,3@10.213.7.2:21013');
  expect(props.get('controller.listener.names')).toBe('CONTROLLER');
  const planned = parseProperties(
    renderBrokerProperties(
      state,
      state.processes.find((p) => p.name === 'source-1')!,
    ),
  );
  expect(planned.get('process.roles')).toBe('broker,controller');
  expect(planned.get('controller.quorum.voters')).toBe(props.get('controller.quorum.voters'));
});

test('a second MM2 worker has the same config but its own REST listener; workers give up lost tasks after 10 s', () => {
  const state = lab();
  const worker = added(state, { name: 'mm2-2', role: 'mirrormaker2', ports: { rest: 21023 } });
  const first = parseProperties(renderMm2Properties(state));
  const second = parseProperties(renderMm2Properties(state, worker));
  expect(first.get('listeners')).toBe('http://10.213.7.6:21020');
  expect(second.get('listeners')).toBe('http://10.213.7.6:21023');
  expect(second.get('rest.advertised.port')).toBe('21023');
  expect(first.get('target.scheduled.rebalance.max.delay.ms')).toBe('10000');
  for (const key of ['clusters', 'source->target.topics', 'dedicated.mode.enable.internal.rest', 'target.scheduled.rebalance.max.delay.ms'])
    expect(second.get(key)).toBe(first.get(key));
  expect(mm2WorkerId(worker)).toBe('10.213.7.6:21023');
  expect(isWorkerId('10.213.7.6:21023/source->target', mm2WorkerId(worker))).toBe(true);
  expect(isWorkerId('10.213.7.6:21023', mm2WorkerId(worker))).toBe(true);
  expect(isWorkerId('10.213.7.6:210230', mm2WorkerId(worker))).toBe(false);
  expect(isWorkerId('10.213.7.60:21023', mm2WorkerId(worker))).toBe(false);
});

test('added processes are found per fault', () => {
  const state = lab();
  expect(addedProcesses(state)).toEqual([]);
  added(state, { name: 'source-4', role: 'broker', cluster: 'source', nodeId: 4, ports: { client: 21022 }, addedBy: 'a/f1' });
  added(state, { name: 'mm2-2', role: 'mirrormaker2', ports: { rest: 21023 }, addedBy: 'a/f2' });
  expect(addedProcesses(state).map((p) => p.name)).toEqual(['source-4', 'mm2-2']);
  expect(addedProcesses(state, 'a/f2').map((p) => p.name)).toEqual(['mm2-2']);
});

test('ports for added processes: the spare ports of the block first, never one a process on that host uses', async () => {
  const state = lab();
  expect(await pickAddedPort(state, '10.213.7.2')).toBe(21022);
  added(state, { name: 'source-4', role: 'broker', cluster: 'source', nodeId: 4, host: '10.213.7.2', ports: { client: 21022 } });
  expect(await pickAddedPort(state, '10.213.7.2')).toBe(21023);
  // Another namespace has its own addresses: the same port is free there.
  expect(await pickAddedPort(state, '10.213.7.6')).toBe(21022);
  // Past the spares come the inter-DC proxy's ports (block offsets 16-22), taken on the source host.
  added(state, { name: 'source-5', role: 'broker', cluster: 'source', nodeId: 5, host: '10.213.7.2', ports: { client: 21023 } });
  expect(await pickAddedPort(state, '10.213.7.2')).toBe(21031);
  expect(await pickAddedPort(state, '10.213.7.2', [21031])).toBe(21032);
});

test('an added source broker listens for cross-DC clients too, advertised directly (it has no proxy)', () => {
  const state = lab();
  const extra = added(state, { name: 'source-4', role: 'broker', cluster: 'source', nodeId: 4, ports: { client: 21022, crossDc: 21031 } });
  const props = parseProperties(renderBrokerProperties(state, extra));
  expect(props.get('listeners')).toBe('CLIENT://10.213.7.2:21022,CROSSDC://10.213.7.2:21031');
  expect(props.get('advertised.listeners')).toBe('CLIENT://10.213.7.2:21022,CROSSDC://10.213.7.2:21031');
});

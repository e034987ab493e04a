import { plannedLab } from '@mirrorlab/lab/testing';
import { planPrometheus, planReplicatorWorkers } from '@mirrorlab/lab';
import { renderLabEnv, renderLabSummary, renderProcessTable } from './lab-view';

const lab = plannedLab({ dir: '/tmp/lab-v', subnetIndex: 3 });

test('the table says what runs where', () => {
  lab.processes.find((p) => p.name === 'mm2')!.pid = 4242;
  const table = renderProcessTable(lab, new Map([['mm2', 'alive']]));
  expect(table.split('\n')[0]).toMatch(/^PROCESS\s+ROLE\s+PID\s+LISTENS ON\s+NETNS\s+STATE$/);
  expect(table).toMatch(/mm2\s+mirrormaker2\s+4242\s+10\.213\.3\.6:21020\s+mlabc123-tgt\s+alive/);
  expect(table).toMatch(/redis\s+redis\s+-\s+127\.0\.0\.1:21021\s+\(host\)\s+unknown/);
  // The inter-DC proxy: Toxiproxy's API and one proxy per source broker, in the source namespace.
  expect(table).toMatch(
    /toxiproxy\s+toxiproxy\s+-\s+10\.213\.3\.2:21030, proxy-source-1 21027, proxy-source-2 21028, proxy-source-3 21029\s+mlabc123-src\s+unknown/,
  );
  expect(renderLabSummary(lab)).toContain(
    'inter-DC proxy    toxiproxy http://10.213.3.2:21030, link none; cross-DC bootstrap 10.213.3.2:21027,10.213.3.2:21028,10.213.3.2:21029',
  );
});

test('the summary names bootstraps, policy and the inter-DC link', () => {
  const summary = renderLabSummary(lab);
  expect(summary).toContain('source bootstrap  10.213.3.2:21008,10.213.3.2:21009,10.213.3.2:21010');
  expect(summary).toContain('(topic t -> source.t)');
  expect(summary).toContain('inter-DC link     mlabc123-src/mlabc123-st 10.213.3.9 <-> mlabc123-tgt/mlabc123-ts 10.213.3.10');
});

test('env exports are shell-quoted', () => {
  expect(renderLabEnv({ ...lab, dir: "/tmp/it's" })).toContain(`export MIRRORLAB_LAB_DIR='/tmp/it'\\''s'`);
});

test("with monitoring, the table and the summary give Prometheus's address", () => {
  const monitored = { ...lab, processes: [...lab.processes, planPrometheus(lab, 21031)] };
  expect(renderProcessTable(monitored)).toMatch(/prometheus\s+prometheus\s+-\s+127\.0\.0\.1:21031\s+\(host\)/);
  expect(renderLabSummary(monitored)).toContain(
    'prometheus        http://127.0.0.1:21031 (open it in a browser; scrapes every 5s the services listed in /tmp/lab-v/prometheus/targets/*.json)',
  );
  expect(renderLabSummary(lab)).not.toContain('prometheus');
});

test('the summary says which replicator mode runs', () => {
  expect(renderLabSummary(lab)).toContain('replicator mode   dedicated (at-least-once)');
  expect(renderLabSummary({ ...lab, mm2: { ...lab.mm2, mode: 'dedicated-eos' } })).toContain(
    'replicator mode   dedicated-eos (exactly-once source support, source read at read_committed)',
  );
  expect(renderLabSummary(lab)).not.toContain('connect cluster');
});

test('in replicator mode connect the summary names the Connect workers and their REST addresses', () => {
  const connect = { ...lab, mm2: { ...lab.mm2, mode: 'connect' as const }, processes: lab.processes.map((p) => ({ ...p })) };
  planReplicatorWorkers(connect);
  const workers = connect.processes.filter((p) => p.role === 'mirrormaker2');
  const summary = renderLabSummary(connect);
  expect(summary).toContain('replicator mode   connect (at-least-once)');
  expect(summary).toContain(
    `connect cluster   2 workers (mm2 http://${workers[0].host}:${workers[0].ports.rest}, mm2-2 http://${workers[1].host}:${workers[1].ports.rest}); MirrorSource/Checkpoint/Heartbeat connectors configured through the REST API`,
  );
});

test("the summary shows MirrorMaker 2's checkpoint settings: the defaults, or what a scenario set", () => {
  expect(renderLabSummary(lab)).toContain(
    "mm2 checkpoints   checkpoints every 1 s, group offset sync every 1 s, offset.lag.max 100 (a scenario's replicator.checkpoints)",
  );
  const set = { ...lab, mm2: { ...lab.mm2, checkpoints: { intervalSeconds: 5, syncIntervalSeconds: 2, offsetLagMax: 10 } } };
  expect(renderLabSummary(set)).toContain('mm2 checkpoints   checkpoints every 5 s, group offset sync every 2 s, offset.lag.max 10');
});

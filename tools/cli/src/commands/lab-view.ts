/** Pure rendering of a lab for the terminal: what runs where, and how to reach it. */
import {
  describeMm2Checkpoints,
  mm2CheckpointsOf,
  LAB_SCRAPE_INTERVAL_SECONDS,
  mirroredTopicName,
  prometheusProcess,
  prometheusUrl,
  replicatorModeOf,
  scrapeTargetsDir,
  type LabState,
  type ProcessState,
} from '@mirrorlab/lab';
import { renderTable } from '../table';

export function renderProcessTable(lab: LabState, states?: Map<string, ProcessState>): string {
  const header = ['PROCESS', 'ROLE', 'PID', 'LISTENS ON', 'NETNS'];
  if (states !== undefined) header.push('STATE');
  const rows = lab.processes.map((p) => {
    const endpoint = Object.entries(p.ports)
      .map(([name, port]) =>
        name === 'client' || name === 'redis' || name === 'rest' || name === 'web' || name === 'api'
          ? `${p.host}:${port}`
          : `${name} ${port}`,
      )
      .join(', ');
    const row = [p.name, p.role, p.pid === null ? '-' : String(p.pid), endpoint, p.netns ?? '(host)'];
    if (states !== undefined) row.push(states.get(p.name) ?? 'unknown');
    return row;
  });
  return renderTable(header, rows);
}

export function renderLabSummary(lab: LabState): string {
  const lines = [
    `lab ${lab.id} in ${lab.dir} (${lab.mode}, Kafka ${lab.kafkaVersion})`,
    `source bootstrap  ${lab.source.bootstrap}`,
    `target bootstrap  ${lab.target.bootstrap}`,
    `redis             ${lab.redis.url}`,
    `mirrormaker 2     source->target, topics /${lab.mm2.topics}/, ${lab.mm2.replicationPolicy} policy ` +
      `(topic t -> ${mirroredTopicName(lab.mm2.replicationPolicy, 't')}), internal REST ${lab.mm2.restUrl}`,
    `replicator mode   ${replicatorModeOf(lab)}${replicatorModeOf(lab) === 'dedicated-eos' ? ' (exactly-once source support, source read at read_committed)' : ' (at-least-once)'}`,
  ];
  if (replicatorModeOf(lab) === 'connect') lines.push(connectClusterLine(lab));
  lines.push(`mm2 checkpoints   ${describeMm2Checkpoints(mm2CheckpointsOf(lab))} (a scenario's replicator.checkpoints)`);
  if (lab.network === null) {
    lines.push('network faults    off (loopback mode)');
  } else {
    const { source, target } = lab.network.interDc;
    lines.push(
      `inter-DC link     ${source.netns}/${source.interface} ${source.address} <-> ${target.netns}/${target.interface} ${target.address}`,
    );
  }
  if (lab.interDcProxy !== undefined) {
    const p = lab.interDcProxy;
    lines.push(
      `inter-DC proxy    toxiproxy ${p.apiUrl}, link ${p.link}; cross-DC bootstrap ${p.bootstrap} (MM2 reads the source through it)`,
    );
  }
  const prometheus = prometheusProcess(lab);
  if (prometheus !== undefined) {
    lines.push(
      `prometheus        ${prometheusUrl(prometheus)} (open it in a browser; scrapes every ${LAB_SCRAPE_INTERVAL_SECONDS}s the services listed in ${scrapeTargetsDir(lab.dir)}/*.json)`,
    );
  }
  lines.push(`logs              ${lab.dir}/<process>/<process>.log (mirrorlab lab logs <process>)`);
  return lines.join('\n');
}

/** `export NAME=value` lines for shells: `eval "$(mirrorlab lab env)"`. */
export function renderLabEnv(lab: LabState): string {
  const quote = (v: string): string => `'${v.replace(/'/g, `'\\''`)}'`;
  const vars: Array<[string, string]> = [
    ['MIRRORLAB_LAB_DIR', lab.dir],
    ['MIRRORLAB_SOURCE_BOOTSTRAP', lab.source.bootstrap],
    ['MIRRORLAB_TARGET_BOOTSTRAP', lab.target.bootstrap],
    ['MIRRORLAB_REDIS_URL', lab.redis.url],
    ['MIRRORLAB_REPLICATION_POLICY', lab.mm2.replicationPolicy],
    ...(lab.interDcProxy !== undefined
      ? ([['MIRRORLAB_SOURCE_CROSS_DC_BOOTSTRAP', lab.interDcProxy.bootstrap]] as Array<[string, string]>)
      : []),
  ];
  return vars.map(([k, v]) => `export ${k}=${quote(v)}`).join('\n');
}

/** Replicator mode connect: the Connect cluster's workers and where its REST API answers. */
function connectClusterLine(lab: LabState): string {
  const workers = lab.processes.filter((p) => p.role === 'mirrormaker2');
  return `connect cluster   ${workers.length} workers (${workers.map((w) => `${w.name} http://${w.host}:${w.ports.rest}`).join(', ')}); MirrorSource/Checkpoint/Heartbeat connectors configured through the REST API`;
}

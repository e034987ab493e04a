import { createHash } from 'node:crypto';
import type { FaultKind } from '@mirrorlab/protocol';
import { FaultRunnerError } from './errors';

export type ClusterName = 'source' | 'target';

/** What a fault hits, resolved: random brokers are picked, defaults filled in. */
export type FaultTarget =
  /** Broker `broker` (1-based) of a cluster. */
  | { type: 'broker'; cluster: ClusterName; broker: number }
  /** A cluster as a whole (add-broker, add-topic). */
  | { type: 'cluster'; cluster: ClusterName }
  | { type: 'replicator' }
  | { type: 'inter-dc' }
  | { type: 'topic'; topic: string }
  /** A source consumer group of the scenario (`consumers[].group`). */
  | { type: 'group'; group: string };

/** How many brokers each cluster has (what `<cluster>:random` picks from and `<cluster>:<n>` is checked against). */
export type ClusterSizes = Record<ClusterName, number>;

type TargetForm = 'broker' | 'cluster' | 'replicator' | 'inter-dc' | 'topic' | 'group';

const FORM_OF: Record<FaultKind, TargetForm> = {
  'kill-broker': 'broker',
  'pause-broker': 'broker',
  'remove-broker': 'broker',
  'add-broker': 'cluster',
  'kill-replicator': 'replicator',
  'pause-replicator': 'replicator',
  'add-replicator-worker': 'replicator',
  'add-partitions': 'topic',
  'add-topic': 'cluster',
  'reassign-partitions': 'topic',
  'packet-loss': 'inter-dc',
  'network-partition': 'inter-dc',
  'bandwidth-cap': 'inter-dc',
  latency: 'inter-dc',
  'consumer-failover': 'group',
};

const EXPECTED: Record<TargetForm, string> = {
  broker: 'source:<n>, target:<n> (broker n, 1-based), source:random or target:random',
  cluster: 'source or target (default source)',
  replicator: 'replicator (the default)',
  'inter-dc': 'inter-dc (the default)',
  topic: 'a topic name (letters, digits, ".", "_", "-")',
  group: 'a consumer group of the scenario (consumers[].group)',
};

const TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;
/** The scenario file's name rule (libs/protocol). */
const GROUP = /^[a-zA-Z0-9._-]{1,200}$/;

/** The broker `<cluster>:random` means for this fault: a hash of the fault id, so every runner picks the same one. */
export function randomBroker(faultId: string, brokers: number): number {
  return 1 + (createHash('sha256').update(faultId).digest().readUInt32BE(0) % brokers);
}

function invalid(kind: FaultKind, target: string | undefined, why?: string): FaultRunnerError {
  const got = target === undefined ? 'nothing' : JSON.stringify(target);
  return new FaultRunnerError('target_invalid', `target: ${kind} expects ${EXPECTED[FORM_OF[kind]]}, got ${got}${why ? ` (${why})` : ''}`, { field: 'target' });
}

/** Resolves a job's `target` for its kind; throws `target_invalid` naming the forms the kind accepts. */
export function resolveTarget(kind: FaultKind, target: string | undefined, faultId: string, sizes: ClusterSizes): FaultTarget {
  const text = target?.trim();
  switch (FORM_OF[kind]) {
    case 'broker': {
      const match = /^(source|target):(random|\d+)$/.exec(text ?? '');
      if (match === null) throw invalid(kind, target);
      const cluster = match[1] as ClusterName;
      const size = sizes[cluster];
      if (match[2] === 'random') return { type: 'broker', cluster, broker: randomBroker(faultId, size) };
      const broker = Number(match[2]);
      if (broker < 1 || broker > size) throw invalid(kind, target, `the ${cluster} cluster has brokers 1 to ${size}`);
      return { type: 'broker', cluster, broker };
    }
    case 'cluster':
      if (text === undefined || text === '' || text === 'source' || text === 'target') return { type: 'cluster', cluster: (text || 'source') as ClusterName };
      throw invalid(kind, target);
    case 'replicator':
      if (text === undefined || text === '' || text === 'replicator') return { type: 'replicator' };
      throw invalid(kind, target);
    case 'inter-dc':
      if (text === undefined || text === '' || text === 'inter-dc') return { type: 'inter-dc' };
      throw invalid(kind, target);
    case 'topic':
      if (text !== undefined && TOPIC.test(text) && text !== '.' && text !== '..') return { type: 'topic', topic: text };
      throw invalid(kind, target);
    case 'group':
      if (text !== undefined && GROUP.test(text)) return { type: 'group', group: text };
      throw invalid(kind, target);
  }
}

/** The target as text, after resolution: `source:2`, `target`, `replicator`, `inter-dc`, or the topic. */
export function targetText(target: FaultTarget): string {
  switch (target.type) {
    case 'broker':
      return `${target.cluster}:${target.broker}`;
    case 'cluster':
      return target.cluster;
    case 'replicator':
    case 'inter-dc':
      return target.type;
    case 'topic':
      return target.topic;
    case 'group':
      return target.group;
  }
}

import { createHash } from 'node:crypto';
import {
  BROKER_TARGET,
  FAULT_CATALOG,
  GROUP_TARGET,
  TARGET_EXPECTED,
  isTopicName,
  type ClusterName,
  type FaultKind,
} from '@mirrorlab/protocol';
import { FaultRunnerError } from './errors';

export type { ClusterName } from '@mirrorlab/protocol';

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

/** The broker `<cluster>:random` means for this fault: a hash of the fault id, so every runner picks the same one. */
export function randomBroker(faultId: string, brokers: number): number {
  return 1 + (createHash('sha256').update(faultId).digest().readUInt32BE(0) % brokers);
}

function invalid(kind: FaultKind, target: string | undefined, why?: string): FaultRunnerError {
  const got = target === undefined ? 'nothing' : JSON.stringify(target);
  return new FaultRunnerError(
    'target_invalid',
    `target: ${kind} expects ${TARGET_EXPECTED[FAULT_CATALOG[kind].target]}, got ${got}${why ? ` (${why})` : ''}`,
    { field: 'target' },
  );
}

/** Resolves a job's `target` for its kind (the form is the fault catalog's; here random brokers are picked and numbers checked against the cluster); throws `target_invalid` naming the forms the kind accepts. */
export function resolveTarget(kind: FaultKind, target: string | undefined, faultId: string, sizes: ClusterSizes): FaultTarget {
  const text = target?.trim();
  switch (FAULT_CATALOG[kind].target) {
    case 'broker': {
      const match = BROKER_TARGET.exec(text ?? '');
      if (match === null) throw invalid(kind, target);
      const cluster = match[1] as ClusterName;
      const size = sizes[cluster];
      if (match[2] === 'random') return { type: 'broker', cluster, broker: randomBroker(faultId, size) };
      const broker = Number(match[2]);
      if (broker < 1 || broker > size) throw invalid(kind, target, `the ${cluster} cluster has brokers 1 to ${size}`);
      return { type: 'broker', cluster, broker };
    }
    case 'cluster':
      if (text === undefined || text === '' || text === 'source' || text === 'target')
        return { type: 'cluster', cluster: (text || 'source') as ClusterName };
      throw invalid(kind, target);
    case 'replicator':
      if (text === undefined || text === '' || text === 'replicator') return { type: 'replicator' };
      throw invalid(kind, target);
    case 'inter-dc':
      if (text === undefined || text === '' || text === 'inter-dc') return { type: 'inter-dc' };
      throw invalid(kind, target);
    case 'topic':
      if (text !== undefined && isTopicName(text)) return { type: 'topic', topic: text };
      throw invalid(kind, target);
    case 'group':
      if (text !== undefined && GROUP_TARGET.test(text)) return { type: 'group', group: text };
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

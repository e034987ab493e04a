import type { FaultKind } from '@mirrorlab/protocol';

/** Faults that happen once and leave nothing to undo: their heal only verifies. */
export const ONE_SHOT_KINDS: ReadonlySet<FaultKind> = new Set(['add-partitions', 'add-topic', 'reassign-partitions', 'consumer-failover']);

/** Faults on the inter-DC link: at most what other active link faults left may remain after a heal. */
export const LINK_KINDS: ReadonlySet<FaultKind> = new Set(['packet-loss', 'network-partition', 'bandwidth-cap', 'latency']);

export function isOneShot(kind: FaultKind): boolean {
  return ONE_SHOT_KINDS.has(kind);
}

export function isLinkFault(kind: FaultKind): boolean {
  return LINK_KINDS.has(kind);
}

/**
 * Test helpers for code that reads a lab's state: a planned lab (nothing started) with fixed
 * ids, ports and cluster ids, and a reader for the `.properties` files the lab renders.
 * Imported as `@mirrorlab/lab/testing`; never by the library itself.
 */
import type { LabState } from '../state';
import { planLab, type LabPlanInput } from '../topology';

/** A netns lab planned at base port 21008, subnet 7, default replication policy, all topics. */
export function plannedLab(overrides: Partial<LabPlanInput> = {}): LabState {
  const mode = overrides.mode ?? 'netns';
  return planLab({
    dir: '/tmp/lab-x',
    id: 'abc123',
    mode,
    basePort: 21008,
    subnetIndex: mode === 'netns' ? 7 : null,
    clusterIds: { source: 'SRCxxxxxxxxxxxxxxxxxxx', target: 'TGTxxxxxxxxxxxxxxxxxxx' },
    replicationPolicy: 'default',
    topics: '.*',
    kafkaVersion: '4.3.1',
    now: new Date(0),
    ...overrides,
  });
}

/** `key=value` lines of a rendered properties file (comments and blank lines left out). */
export function parseProperties(text: string): Map<string, string> {
  return new Map(
    text
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

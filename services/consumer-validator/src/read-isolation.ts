/**
 * The isolation level the scenario asks validators to read at. `read_committed` (kafkajs's
 * default too) unless the spec says `validators.isolation: read_uncommitted`, which shows what a
 * reader of uncommitted data sees (records of aborted transactions, on the source's or the
 * replicator's side). `scenario.started` carries the validated spec, so anything else is
 * the default.
 */
export type ReadIsolation = 'read_committed' | 'read_uncommitted';

export function readIsolationOf(spec: { validators?: unknown }): ReadIsolation {
  const validators = spec.validators as { isolation?: unknown } | undefined;
  return validators?.isolation === 'read_uncommitted' ? 'read_uncommitted' : 'read_committed';
}

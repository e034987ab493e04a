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

/** READ_ISOLATION: `scenario` (one of the scenario's own validators) or `read_uncommitted` (one it adds, `validators.readUncommitted`). */
export const READ_ISOLATION_SETTINGS = ['scenario', 'read_uncommitted'] as const;
export type ReadIsolationSetting = (typeof READ_ISOLATION_SETTINGS)[number];

/** How one validator reads a scenario: at which isolation, in which consumer group, and how its reports are marked. */
export interface ValidatorReading {
  isolation: ReadIsolation;
  groupId: string;
  /** `read_uncommitted` on the reports of an added validator (`validator.report.isolation`); absent for the scenario's own. */
  reportIsolation: 'read_uncommitted' | undefined;
}

/**
 * The scenario's own validators share `<prefix>-<scenarioId>` and read at `validators.isolation`.
 * The read_uncommitted validators a scenario adds read every partition again in a group of their
 * own (`-read-uncommitted`): in the same group they would split the partitions with the own
 * validators, and neither set would see every record.
 */
export function validatorReading(
  setting: ReadIsolationSetting,
  spec: { validators?: unknown },
  groupPrefix: string,
  scenarioId: string,
): ValidatorReading {
  const group = `${groupPrefix}-${scenarioId}`;
  return setting === 'read_uncommitted'
    ? { isolation: 'read_uncommitted', groupId: `${group}-read-uncommitted`, reportIsolation: 'read_uncommitted' }
    : { isolation: readIsolationOf(spec), groupId: group, reportIsolation: undefined };
}

import { parseDuration } from '../scenario/units';
import { field, optional } from './fault-param-fields';

/** The consumer-groups service's FAILOVER_WAIT default: the drill's wait when a scenario states none. */
export const DEFAULT_FAILOVER_WAIT_MS = 15_000;

/** The longest a consumer-failover drill may wait for MirrorMaker 2 to translate the group's final commit. */
export const MAX_FAILOVER_WAIT_MS = 600_000;

/**
 * consumer-failover's `wait`: how long the drill gives MirrorMaker 2 to translate the stopped
 * group's final commit before failing over at whatever translation there is (`0s`: at once, as
 * an unplanned failover would). `15s`, `500ms`, `2m`, or a number of ms; omitted (null): the
 * consumer-groups service's FAILOVER_WAIT (15 s by default).
 */
export const failoverWait = optional(
  field(`a duration from 0s to ${MAX_FAILOVER_WAIT_MS / 60_000}m, like 15s or 2m`, (value) => {
    const ms = typeof value === 'number' ? value : typeof value === 'string' ? parseDuration(value) : undefined;
    return ms !== undefined && Number.isInteger(ms) && ms >= 0 && ms <= MAX_FAILOVER_WAIT_MS ? ms : undefined;
  }),
  null,
);

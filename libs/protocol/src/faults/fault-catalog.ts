import { z } from 'zod';
import type { FaultKind } from '../scenario/scenario-spec';
import {
  cluster,
  delay,
  direction,
  integer,
  millis,
  optional,
  probability,
  rate,
  size,
  topicName,
  type RawParams,
} from './fault-param-fields';
import type { TargetForm } from './fault-targets';
import { failoverWait } from './failover-wait';

/**
 * Every fault kind in one table: its family (how a backend applies it), whether it is
 * one-shot or lasting, the target it takes and its parameters. The scenario schema checks
 * a scenario's faults against it (so `mirrorlab validate` and `POST /scenarios` refuse a
 * bad fault before anything starts), the fault-runner parses a job's params with it, and
 * the backends dispatch on the family.
 *
 * Adding a kind: add its name to FAULT_KINDS (scenario-spec.ts) and one entry to
 * FAULT_CATALOG below; the compiler then asks for nothing else unless the kind brings a
 * new family, in which case each backend's family table needs a handler for it.
 */

/**
 * - `process`: a process of the system stops serving (killed or paused) and is brought back;
 * - `membership`: brokers or replicator workers leave or join, and the heal restores the planned set;
 * - `admin`: a Kafka admin change (partitions, topics, replica placement);
 * - `link`: the network between the two sides (loss, partition, bandwidth, delay);
 * - `workload`: carried out by the scenario's own workload (the consumer-groups service fails a
 *   group over when it reads the fault's announcement); the runner only announces it.
 */
export const FAULT_FAMILIES = ['process', 'membership', 'admin', 'link', 'workload'] as const;
export type FaultFamily = (typeof FAULT_FAMILIES)[number];

/**
 * `lasting`: in effect until healed, and the heal undoes it. `one-shot`: happens once and
 * leaves nothing to undo; its heal only verifies, and a scenario may leave out its duration.
 */
export type FaultLifetime = 'lasting' | 'one-shot';

/** A kind's parameters as written (`params:` of a scenario fault or job) and their typed, defaulted form. */
export interface FaultParamsDefinition<P> {
  /** The parameter names a scenario writes, in the order they are checked. */
  readonly names: readonly string[];
  /** Checks the raw params; issue paths are the parameter names (`['probability']`). */
  readonly schema: z.ZodType<P, RawParams>;
}

export interface FaultKindEntry<P> {
  readonly family: FaultFamily;
  readonly lifetime: FaultLifetime;
  readonly target: TargetForm;
  readonly params: FaultParamsDefinition<P>;
}

type Fields = Record<string, z.ZodType<unknown, unknown>>;
type Parsed<S extends Fields> = { [N in keyof S]: z.output<S[N]> };

/**
 * A kind's parameters: `fields` by the name a scenario writes, and `build` to turn them into
 * the typed params (renames, checks across fields). Unknown names are refused: a typo must
 * not silently become a default.
 */
function params<S extends Fields, P = Parsed<S>>(
  fields: S,
  build?: (p: Parsed<S>, ctx: z.RefinementCtx, raw: RawParams) => P,
): (kind: string) => FaultParamsDefinition<P> {
  const names = Object.keys(fields);
  return (kind) => {
    const known = names.length === 0 ? 'it takes none' : `known: ${names.join(', ')}`;
    const schema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).transform((raw, ctx) => {
      const unknown = Object.keys(raw).filter((key) => !names.includes(key));
      for (const key of unknown) ctx.addIssue({ code: 'custom', path: [key], message: `not a parameter of ${kind} (${known})` });
      if (unknown.length > 0) return z.NEVER;
      const parsed: Record<string, unknown> = {};
      let failed = false;
      for (const name of names) {
        const r = fields[name].safeParse(raw[name]);
        if (r.success) parsed[name] = r.data;
        else {
          failed = true;
          for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', path: [name, ...issue.path], message: issue.message });
        }
      }
      if (failed) return z.NEVER;
      return build ? build(parsed as Parsed<S>, ctx, raw) : (parsed as P);
    });
    return { names, schema: schema as unknown as z.ZodType<P, RawParams> };
  };
}

const none = params({}, (): Record<string, never> => ({}));

const DEFINITIONS = {
  'kill-broker': { family: 'process', lifetime: 'lasting', target: 'broker', params: none },
  'pause-broker': { family: 'process', lifetime: 'lasting', target: 'broker', params: none },
  'remove-broker': { family: 'membership', lifetime: 'lasting', target: 'broker', params: none },
  'add-broker': { family: 'membership', lifetime: 'lasting', target: 'cluster', params: none },
  'kill-replicator': { family: 'process', lifetime: 'lasting', target: 'replicator', params: none },
  'pause-replicator': { family: 'process', lifetime: 'lasting', target: 'replicator', params: none },
  'add-replicator-worker': { family: 'membership', lifetime: 'lasting', target: 'replicator', params: none },
  /** `count` is the new total number of partitions (Kafka's CreatePartitions meaning). */
  'add-partitions': { family: 'admin', lifetime: 'one-shot', target: 'topic', params: params({ count: integer(1, 100_000), cluster }) },
  /** Created on the cluster the target names (default source). */
  'add-topic': {
    family: 'admin',
    lifetime: 'one-shot',
    target: 'cluster',
    params: params({ name: topicName, partitions: optional(integer(1, 10_000), 3), replicationFactor: optional(integer(1, 10), 3) }),
  },
  /** `partition` null: every partition of the topic. */
  'reassign-partitions': {
    family: 'admin',
    lifetime: 'one-shot',
    target: 'topic',
    params: params({ partition: optional(integer(0, 100_000), null), cluster }),
  },
  /**
   * The topic's `retention.ms` and `segment.ms` shrunk for the fault's window (segments must
   * close for retention to delete them); the heal restores the values it had.
   */
  'retention-purge': {
    family: 'admin',
    lifetime: 'lasting',
    target: 'topic',
    params: params({ retention: optional(millis, 1000), segment: optional(millis, 1000), cluster }, (p) => ({
      retentionMs: p.retention,
      segmentMs: p.segment,
      cluster: p.cluster,
    })),
  },
  /** Deleted and created again with the same partitions, replication factor and overrides. */
  'recreate-topic': { family: 'admin', lifetime: 'one-shot', target: 'topic', params: params({ cluster }) },
  /** Stop a source consumer group and fail it over to the target at MirrorMaker 2's translated offsets. */
  'consumer-failover': {
    family: 'workload',
    lifetime: 'one-shot',
    target: 'group',
    /** `wait`: how long the drill waits for a translation of the group's final commit (failover-wait.ts); null: the service's FAILOVER_WAIT. */
    params: params({ wait: failoverWait }),
  },
  'packet-loss': { family: 'link', lifetime: 'lasting', target: 'inter-dc', params: params({ probability, direction }) },
  'network-partition': { family: 'link', lifetime: 'lasting', target: 'inter-dc', params: params({ direction }) },
  'bandwidth-cap': {
    family: 'link',
    lifetime: 'lasting',
    target: 'inter-dc',
    params: params({ rate, burst: optional(size, null), latency: optional(millis, null), direction }, (p) => ({
      rateKbit: p.rate,
      burstBytes: p.burst,
      latencyMs: p.latency,
      direction: p.direction,
    })),
  },
  /** Added one-way delay per direction: `latencyMs` ± up to `jitterMs` (so `both` adds 2 x latencyMs of round trip). */
  latency: {
    family: 'link',
    lifetime: 'lasting',
    target: 'inter-dc',
    params: params({ latency: delay(1), jitter: optional(delay(0), 0), direction }, (p, ctx, raw) => {
      // Toxiproxy and netem draw latency ± jitter: a jitter above the latency would ask for negative delays.
      if (p.jitter > p.latency)
        ctx.addIssue({
          code: 'custom',
          path: ['jitter'],
          message: `expected at most params.latency (${p.latency}ms), got ${JSON.stringify(raw.jitter)}`,
        });
      return { latencyMs: p.latency, jitterMs: p.jitter, direction: p.direction };
    }),
  },
} as const satisfies {
  [K in FaultKind]: {
    family: FaultFamily;
    lifetime: FaultLifetime;
    target: TargetForm;
    params: (kind: string) => { readonly names: readonly string[] };
  };
};

type Definitions = typeof DEFINITIONS;

/** Validated parameters of each fault kind, with defaults filled in. */
export type FaultParamsByKind = { [K in FaultKind]: z.output<ReturnType<Definitions[K]['params']>['schema']> };
export type FaultParams<K extends FaultKind = FaultKind> = FaultParamsByKind[K];
/** The kinds of a family (`FaultKindsOf<'link'>`: packet-loss | network-partition | ...). */
export type FaultKindsOf<F extends FaultFamily> = { [K in FaultKind]: Definitions[K]['family'] extends F ? K : never }[FaultKind];

export const FAULT_CATALOG: { readonly [K in FaultKind]: FaultKindEntry<FaultParamsByKind[K]> } = Object.fromEntries(
  Object.entries(DEFINITIONS).map(([kind, d]) => [
    kind,
    { family: d.family, lifetime: d.lifetime, target: d.target, params: d.params(kind) },
  ]),
) as { [K in FaultKind]: FaultKindEntry<FaultParamsByKind[K]> };

export function faultFamily(kind: FaultKind): FaultFamily {
  return FAULT_CATALOG[kind].family;
}

/** One-shot faults happen once and leave nothing to undo: their heal only verifies. */
export function isOneShotKind(kind: FaultKind): boolean {
  return FAULT_CATALOG[kind].lifetime === 'one-shot';
}

/** Faults on the inter-DC link: at most what other active link faults left may remain after a heal. */
export function isLinkKind(kind: FaultKind): boolean {
  return FAULT_CATALOG[kind].family === 'link';
}

export interface FaultParamsIssue {
  /** The parameter at fault, as written: `['probability']`. */
  path: PropertyKey[];
  /** `expected a probability greater than 0 and at most 1 (...), got 1.5` */
  message: string;
}

/** Checks a fault's raw params against its kind; typed params with defaults, or every problem by parameter. */
export function checkFaultParams<K extends FaultKind>(
  kind: K,
  raw: RawParams,
): { ok: true; params: FaultParams<K> } | { ok: false; issues: FaultParamsIssue[] } {
  const r = FAULT_CATALOG[kind].params.schema.safeParse(raw);
  if (r.success) return { ok: true, params: r.data as FaultParams<K> };
  return { ok: false, issues: r.error.issues.map((i) => ({ path: [...i.path], message: i.message })) };
}

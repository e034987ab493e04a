/**
 * The lab state file `<dir>/lab.json`: what runs where. It is the one way other code
 * (tests, producers, validators, the fault-runner) finds a running lab: `findLab()`.
 * Written atomically by `lab up`/`lab down`; validated on every read.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { LabError } from './errors';

export type LabMode = 'netns' | 'loopback';
export type LabRole = 'broker' | 'mirrormaker2' | 'redis' | 'prometheus' | 'toxiproxy';
/** Standing latency on the inter-DC path (link-profile.ts): `none` or a named profile. */
export type LinkProfileName = 'none' | 'transatlantic';
export const LINK_PROFILE_NAMES: readonly LinkProfileName[] = ['none', 'transatlantic'];
export type ClusterName = 'source' | 'target';
export type ReplicationPolicyName = 'default' | 'identity';

/** One end of a veth pair. `netns` null means the host (root) namespace. */
export interface LinkEnd {
  netns: string | null;
  interface: string;
  address: string;
}

/**
 * The link between the two datacenters: the only path MirrorMaker 2 (in the target
 * namespace) has to the source brokers. Faults go on its ends: iptables in `target.netns`,
 * `tc` on each end's interface in its own namespace.
 */
export interface InterDcLink {
  source: LinkEnd;
  target: LinkEnd;
}

export interface VethLink {
  host: LinkEnd;
  peer: LinkEnd;
}

export interface LabRoute {
  /** Namespace the route lives in. */
  netns: string;
  destination: string;
  via: string;
  interface: string;
}

export interface LabNetwork {
  /** The /24 this lab uses; checked free on the host before use. */
  subnet: string;
  namespaces: { source: string; target: string };
  /** host<->source and host<->target links: producers and validators use these, never the inter-DC link. */
  hostLinks: { source: VethLink; target: VethLink };
  interDc: InterDcLink;
  routes: LabRoute[];
}

export interface LabProcess {
  /** `source-1`..`source-3`, `target-1`..`target-3`, `mm2`, `redis`; `prometheus` with --monitoring. */
  name: string;
  role: LabRole;
  cluster: ClusterName | null;
  /** KRaft node id for brokers, null otherwise. */
  nodeId: number | null;
  /** Pid of the real process (java/redis-server), null while stopped. */
  pid: number | null;
  /** Address the process listens on (reachable from the host). */
  host: string;
  /** Named ports: brokers `client` + `controller`, mm2 `rest`, redis `redis`, prometheus `web`. */
  ports: Record<string, number>;
  netns: string | null;
  /** `<lab>/<name>`: everything of this process lives below it. */
  dir: string;
  dataDir: string;
  logFile: string;
  pidFile: string;
  configFile: string;
  /**
   * Set on a process a fault added to the running lab (add-broker, add-replicator-worker):
   * the id of that fault. Such a process is not part of the planned topology (never a
   * KRaft voter, not in `source.brokers`); `lab down` stops it like any other.
   */
  addedBy?: string;
}

export interface KafkaClusterInfo {
  name: ClusterName;
  clusterId: string;
  /** Comma-separated `host:port` list, reachable from the host namespace. */
  bootstrap: string;
  brokers: string[];
  netns: string | null;
}

export interface Mm2Info {
  sourceAlias: 'source';
  targetAlias: 'target';
  replicationPolicy: ReplicationPolicyName;
  replicationPolicyClass: string;
  /** MM2 `topics` regex. MM2_TOPICS_EXCLUDE (topology.ts) takes out MM2's internal topics and the unmirrored prefix. */
  topics: string;
  /** Connect status topic on the target cluster (used for readiness). */
  statusTopic: string;
  /** Internal REST listener (dedicated.mode.enable.internal.rest) for additional workers. */
  restUrl: string;
  configFile: string;
  /** How MM2 runs (replicator-mode.ts); absent in labs created before modes: `dedicated`. */
  mode?: 'dedicated' | 'dedicated-eos' | 'connect';
  /** MM2's checkpoint connector settings (mm2-checkpoints.ts); absent in labs created before them: the defaults. */
  checkpoints?: { intervalSeconds: number; syncIntervalSeconds: number; offsetLagMax: number };
}

/** One Toxiproxy proxy: in front of one source broker's cross-DC listener. */
export interface CrossDcProxy {
  /** Toxiproxy's proxy name, `cross-dc-source-1`. */
  name: string;
  /** The source broker it fronts. */
  broker: string;
  /** `host:port` the proxy listens on: the broker's advertised cross-DC address. */
  listen: string;
  /** The broker's cross-DC listener. */
  upstream: string;
}

/**
 * The inter-DC path's user-space part: a Toxiproxy (process `toxiproxy`, source namespace)
 * with one proxy per source broker. MM2 and anything else on the target side reading the
 * source uses `bootstrap`; producers keep `source.bootstrap` (direct).
 */
export interface InterDcProxy {
  apiUrl: string;
  /** Comma-separated proxy addresses: the source cluster as seen from the other datacenter. */
  bootstrap: string;
  proxies: CrossDcProxy[];
  /** The standing link profile applied at `lab up`. */
  link: LinkProfileName;
}

export interface LabState {
  schemaVersion: 1;
  /** Short hex id derived from the lab directory; names namespaces (`ml<id>-src`). */
  id: string;
  /** Absolute lab directory. */
  dir: string;
  mode: LabMode;
  kafkaVersion: string;
  /** ISO time the lab was first brought up in this directory. */
  createdAt: string;
  /** ISO time of the last `up`/`down`. */
  updatedAt: string;
  basePort: number;
  source: KafkaClusterInfo;
  target: KafkaClusterInfo;
  redis: { url: string };
  mm2: Mm2Info;
  /** Null in loopback mode: no namespaces, network faults unavailable. */
  network: LabNetwork | null;
  /** Absent in labs created before the proxy existed (bring those down with --purge and up again). */
  interDcProxy?: InterDcProxy;
  processes: LabProcess[];
}

export const LAB_STATE_FILE = 'lab.json';

const linkEnd = z.object({ netns: z.string().min(1).nullable(), interface: z.string().min(1).max(15), address: z.string().min(1) });
const vethLink = z.object({ host: linkEnd, peer: linkEnd });
const clusterInfo = z.object({
  name: z.enum(['source', 'target']),
  clusterId: z.string().min(1),
  bootstrap: z.string().min(1),
  brokers: z.array(z.string().min(1)).min(1),
  netns: z.string().min(1).nullable(),
});
const port = z.number().int().min(1).max(65535);

const labStateSchema = z.object({
  schemaVersion: z.literal(1),
  id: z.string().regex(/^[0-9a-f]{6}$/),
  dir: z.string().min(1),
  mode: z.enum(['netns', 'loopback']),
  kafkaVersion: z.string().min(1),
  createdAt: z.string().min(1),
  updatedAt: z.string().min(1),
  basePort: port,
  source: clusterInfo,
  target: clusterInfo,
  redis: z.object({ url: z.string().startsWith('redis://') }),
  mm2: z.object({
    sourceAlias: z.literal('source'),
    targetAlias: z.literal('target'),
    replicationPolicy: z.enum(['default', 'identity']),
    replicationPolicyClass: z.string().min(1),
    topics: z.string().min(1),
    statusTopic: z.string().min(1),
    restUrl: z.string().min(1),
    configFile: z.string().min(1),
    mode: z.enum(['dedicated', 'dedicated-eos', 'connect']).optional(),
    checkpoints: z
      .object({
        intervalSeconds: z.number().int().min(1),
        syncIntervalSeconds: z.number().int().min(1),
        offsetLagMax: z.number().int().min(0),
      })
      .optional(),
  }),
  network: z
    .object({
      subnet: z.string().min(1),
      namespaces: z.object({ source: z.string().min(1), target: z.string().min(1) }),
      hostLinks: z.object({ source: vethLink, target: vethLink }),
      interDc: z.object({ source: linkEnd, target: linkEnd }),
      routes: z.array(z.object({ netns: z.string(), destination: z.string(), via: z.string(), interface: z.string() })),
    })
    .nullable(),
  interDcProxy: z
    .object({
      apiUrl: z.string().startsWith('http://'),
      bootstrap: z.string().min(1),
      proxies: z
        .array(z.object({ name: z.string().min(1), broker: z.string().min(1), listen: z.string().min(1), upstream: z.string().min(1) }))
        .min(1),
      link: z.enum(['none', 'transatlantic']),
    })
    .optional(),
  processes: z
    .array(
      z.object({
        name: z.string().min(1),
        role: z.enum(['broker', 'mirrormaker2', 'redis', 'prometheus', 'toxiproxy']),
        cluster: z.enum(['source', 'target']).nullable(),
        nodeId: z.number().int().nullable(),
        pid: z.number().int().positive().nullable(),
        host: z.string().min(1),
        ports: z.record(z.string(), port),
        netns: z.string().min(1).nullable(),
        dir: z.string().min(1),
        dataDir: z.string().min(1),
        logFile: z.string().min(1),
        pidFile: z.string().min(1),
        configFile: z.string().min(1),
        addedBy: z.string().min(1).optional(),
      }),
    )
    .min(1),
}) satisfies z.ZodType<LabState>;

export function labStatePath(dir: string): string {
  return join(resolve(dir), LAB_STATE_FILE);
}

/** Validates parsed JSON as a `LabState`; throws `state_invalid` naming the first bad field. */
export function parseLabState(raw: unknown, source = LAB_STATE_FILE): LabState {
  const result = labStateSchema.safeParse(raw);
  if (result.success) return result.data as LabState;
  const issue = result.error.issues[0];
  const field = issue.path.map(String).join('.') || '(root)';
  throw new LabError(
    'state_invalid',
    `${source}: field "${field}" is invalid (${issue.message}). The file is corrupt or from another version: ` +
      `stop the lab's processes by hand if any run, then delete the lab directory (mirrorlab lab down --purge).`,
    { field },
  );
}

/** Reads `<dir>/lab.json`, or null when there is none. Throws `state_invalid` when it is corrupt. */
export function tryReadLabState(dir: string): LabState | null {
  const path = labStatePath(dir);
  if (!existsSync(path)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new LabError('state_invalid', `${path} is not valid JSON; delete the lab directory and bring the lab up again.`, {
      cause,
      field: '(root)',
    });
  }
  return parseLabState(raw, path);
}

export function readLabState(dir: string): LabState {
  const state = tryReadLabState(dir);
  if (state === null) {
    throw new LabError('lab_not_found', `no lab in ${resolve(dir)} (no ${LAB_STATE_FILE}); start one with: mirrorlab lab up --dir ${dir}`);
  }
  return state;
}

/** Atomic write: readers never see a half-written file. */
export function writeLabState(state: LabState): void {
  const path = labStatePath(state.dir);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, path);
}

/** The repository root: the nearest ancestor of `from` holding nx.json (so it works from bundles too). */
export function findRepoRoot(from: string = process.cwd()): string | null {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'nx.json')) && existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * Where the lab lives unless told otherwise: `$MIRRORLAB_LAB_DIR`, else `<repo>/.lab`
 * (repo found from the working directory, then from this file's location).
 */
export function defaultLabDir(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const fromEnv = env.MIRRORLAB_LAB_DIR;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return resolve(cwd, fromEnv);
  const root = findRepoRoot(cwd) ?? findRepoRoot(__dirname);
  if (root === null) {
    throw new LabError('invalid_option', 'cannot find the mirrorlab repository from here; pass --dir or set MIRRORLAB_LAB_DIR');
  }
  return join(root, '.lab');
}

/**
 * How other code finds a running lab: reads and validates `lab.json` from `dir`
 * (default: `defaultLabDir()`). Throws `lab_not_found` if there is none. It does not
 * check liveness: use `labStatus()` for that.
 */
export function findLab(dir?: string): LabState {
  return readLabState(dir ?? defaultLabDir());
}

export function labProcess(state: LabState, name: string): LabProcess {
  const found = state.processes.find((p) => p.name === name);
  if (found === undefined) {
    const names = state.processes.map((p) => p.name).join(', ');
    throw new LabError('unknown_process', `no process "${name}" in the lab; known: ${names}`);
  }
  return found;
}

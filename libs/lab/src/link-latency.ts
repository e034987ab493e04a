/**
 * Latency on the inter-DC path, as Toxiproxy `latency` toxics on every cross-DC proxy:
 * - the lab-wide link profile (`lab up --link transatlantic`): toxics named `link-profile-*`;
 * - a latency fault: toxics named `mirrorlab-fault-<tag>-<stream>`, so one fault's toxics are
 *   removed without touching the profile's or another fault's.
 * Toxiproxy adds each toxic's delay per chunk of data on a connection, in one direction;
 * toxics on one stream add up, so a fault's delay comes on top of the profile's.
 */
import { LabError } from './errors';
import type { LinkDirection } from './network';
import type { InterDcProxy, LinkProfileName } from './state';
import { ToxiproxyClient, type LatencyToxic, type ToxicStream } from './toxiproxy';

/** One direction's delay: `latencyMs` plus or minus up to `jitterMs` (uniform). */
export interface OneWayDelay {
  latencyMs: number;
  jitterMs: number;
}

/**
 * transatlantic: us-east-1 <-> eu-west-1 is about 70-80 ms RTT in public measurements;
 * 40 ms each way gives 80 ms, with 3 ms of jitter per direction (a few ms of RTT jitter).
 */
export const LINK_PROFILES: Record<
  Exclude<LinkProfileName, 'none'>,
  { toTarget: OneWayDelay; toSource: OneWayDelay; description: string }
> = {
  transatlantic: {
    toTarget: { latencyMs: 40, jitterMs: 3 },
    toSource: { latencyMs: 40, jitterMs: 3 },
    description: 'about 80 ms round trip (40 ms each way) with up to 3 ms jitter per direction, like us-east-1 <-> eu-west-1',
  },
};

/** The Toxiproxy stream carrying each direction: `to-target` is what the broker sends to MM2 (records). */
export function streamsOf(direction: LinkDirection): ToxicStream[] {
  if (direction === 'to-target') return ['downstream'];
  if (direction === 'to-source') return ['upstream'];
  return ['downstream', 'upstream'];
}

const PROFILE_PREFIX = 'link-profile-';
const FAULT_PREFIX = 'mirrorlab-fault-';
const TAG = /^[a-z0-9][a-z0-9-]{0,39}$/;

function faultToxicName(tag: string, stream: ToxicStream): string {
  if (!TAG.test(tag))
    throw new LabError('invalid_option', `a latency fault tag is 1-40 of [a-z0-9-], starting with a letter or digit; got "${tag}"`);
  return `${FAULT_PREFIX}${tag}-${stream}`;
}

function latencyToxic(name: string, stream: ToxicStream, delay: OneWayDelay): LatencyToxic {
  return { name, type: 'latency', stream, toxicity: 1, attributes: { latency: delay.latencyMs, jitter: delay.jitterMs } };
}

/** A toxic found on a proxy: `<proxy>/<name> <stream> latency=<ms> jitter=<ms>`. */
export type ToxicLine = string;

async function listToxics(proxy: InterDcProxy, match: (name: string) => boolean): Promise<ToxicLine[]> {
  const client = new ToxiproxyClient(proxy.apiUrl);
  const out: ToxicLine[] = [];
  for (const p of proxy.proxies) {
    for (const t of await client.toxics(p.name)) {
      if (match(t.name))
        out.push(`${p.name}/${t.name} ${t.stream} latency=${t.attributes.latency ?? '?'} jitter=${t.attributes.jitter ?? '?'}`);
    }
  }
  return out;
}

/** Every toxic on the inter-DC proxies (profile and faults). */
export function listLinkToxics(proxy: InterDcProxy): Promise<ToxicLine[]> {
  return listToxics(proxy, () => true);
}

/**
 * Sets the standing link profile on every proxy (replacing whatever profile was there);
 * `none` removes it. Idempotent.
 */
export async function applyLinkProfile(proxy: InterDcProxy, profile: LinkProfileName): Promise<ToxicLine[]> {
  const client = new ToxiproxyClient(proxy.apiUrl);
  for (const p of proxy.proxies) {
    for (const t of await client.toxics(p.name)) if (t.name.startsWith(PROFILE_PREFIX)) await client.removeToxic(p.name, t.name);
    if (profile === 'none') continue;
    const { toTarget, toSource } = LINK_PROFILES[profile];
    await client.addToxic(p.name, latencyToxic(`${PROFILE_PREFIX}downstream`, 'downstream', toTarget));
    await client.addToxic(p.name, latencyToxic(`${PROFILE_PREFIX}upstream`, 'upstream', toSource));
  }
  return listToxics(proxy, (name) => name.startsWith(PROFILE_PREFIX));
}

/** Adds a fault's latency toxics (one per stream of `direction`) on every proxy; idempotent per tag. */
export async function applyLinkLatency(
  proxy: InterDcProxy,
  opts: { tag: string; latencyMs: number; jitterMs: number; direction: LinkDirection },
): Promise<ToxicLine[]> {
  if (!(Number.isInteger(opts.latencyMs) && opts.latencyMs >= 1))
    throw new LabError('invalid_option', `latencyMs must be a whole number of ms >= 1, got ${opts.latencyMs}`);
  if (!(Number.isInteger(opts.jitterMs) && opts.jitterMs >= 0 && opts.jitterMs <= opts.latencyMs)) {
    throw new LabError(
      'invalid_option',
      `jitterMs must be a whole number of ms from 0 to latencyMs (${opts.latencyMs}), got ${opts.jitterMs}`,
    );
  }
  const client = new ToxiproxyClient(proxy.apiUrl);
  for (const p of proxy.proxies) {
    const present = new Set((await client.toxics(p.name)).map((t) => t.name));
    for (const stream of streamsOf(opts.direction)) {
      const name = faultToxicName(opts.tag, stream);
      if (!present.has(name)) await client.addToxic(p.name, latencyToxic(name, stream, opts));
    }
  }
  return listTaggedLinkToxics(proxy, opts.tag);
}

/** The toxics of one latency fault. */
export function listTaggedLinkToxics(proxy: InterDcProxy, tag: string): Promise<ToxicLine[]> {
  const prefix = `${FAULT_PREFIX}${tag}-`;
  faultToxicName(tag, 'upstream'); // validates the tag
  return listToxics(proxy, (name) => name.startsWith(prefix));
}

/** Removes one latency fault's toxics (and only those); returns what it removed. */
export async function removeTaggedLinkToxics(proxy: InterDcProxy, tag: string): Promise<ToxicLine[]> {
  const client = new ToxiproxyClient(proxy.apiUrl);
  const removed: ToxicLine[] = [];
  for (const p of proxy.proxies) {
    for (const stream of ['downstream', 'upstream'] as const) {
      const name = faultToxicName(tag, stream);
      if (await client.removeToxic(p.name, name)) removed.push(`${p.name}/${name}`);
    }
  }
  return removed;
}

/** Toxics of latency faults (any tag) still on the proxies: what a heal with no other latency fault must leave none of. */
export function listFaultLinkToxics(proxy: InterDcProxy): Promise<ToxicLine[]> {
  return listToxics(proxy, (name) => name.startsWith(FAULT_PREFIX));
}

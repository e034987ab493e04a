import { ConfigResourceTypes, type Admin } from 'kafkajs';
import { FaultRunnerError } from './errors';
import type { Injection, Verification } from './fault-backend';
import type { FaultEffect } from './fault-backend';
import type { FaultRequestOf } from './fault-request';
import type { ClusterName } from './fault-target';
import type { AdminFaultOptions } from './admin-faults';
import type { Call } from './kafka-admin';
import { pollUntil } from './poll';

type RetentionPurge = FaultRequestOf<'retention-purge'>;

/** Kafka's `configSource` of a topic-level override (DescribeConfigs v1+: DYNAMIC_TOPIC_CONFIG). */
const TOPIC_OVERRIDE = 1;
const KEYS = ['retention.ms', 'segment.ms'] as const;

/**
 * retention-purge: shrinks a topic's `retention.ms` and `segment.ms` for the fault's window, so
 * the brokers delete what is older (with a paused replicator: records it never copied). The
 * legacy AlterConfigs kafkajs speaks replaces every topic-level override at once, so each change
 * writes the topic's whole override set: the others stay as they were. The heal puts back the
 * two values the injection found (an override, or none: the broker default), recorded in the
 * effect; without the effect (a runner killed mid-injection) it removes the two overrides only
 * where they still hold the fault's values.
 */
export async function injectRetentionPurge(req: RetentionPurge, opts: AdminFaultOptions): Promise<Injection> {
  const topic = topicOf(req);
  const { cluster, retentionMs, segmentMs } = req.params;
  const { before, atMs } = await opts.admins.run(cluster, `retention-purge of ${topic}`, async (admin, call) => {
    const before = await topicOverrides(admin, call, cluster, topic);
    const next = new Map(before);
    next.set('retention.ms', String(retentionMs));
    next.set('segment.ms', String(segmentMs));
    await writeOverrides(admin, call, topic, next);
    return { before, atMs: Date.now() };
  });
  await awaitOverrides(opts, cluster, topic, { 'retention.ms': String(retentionMs), 'segment.ms': String(segmentMs) });
  const was = (k: string) => before.get(k) ?? null;
  return {
    atMs,
    detail: `${topic} on the ${cluster} cluster: retention.ms ${was('retention.ms') ?? 'default'} -> ${retentionMs}, segment.ms ${was('segment.ms') ?? 'default'} -> ${segmentMs}`,
    effect: { cluster, topic, retentionMs: was('retention.ms'), segmentMs: was('segment.ms') },
  };
}

export async function verifyRetentionPurgeInjected(req: RetentionPurge, opts: AdminFaultOptions): Promise<Verification> {
  const topic = topicOf(req);
  const now = await opts.admins.run(req.params.cluster, `describing ${topic}`, (admin, call) =>
    topicOverrides(admin, call, req.params.cluster, topic),
  );
  const ok = now.get('retention.ms') === String(req.params.retentionMs) && now.get('segment.ms') === String(req.params.segmentMs);
  return { ok, detail: `${topic}: ${describe(now)}` };
}

/** The values the heal restores: from the effect, or (no effect) none where the fault's values still stand. */
function restoredValues(req: RetentionPurge, effect: FaultEffect | undefined, current: Map<string, string>): Record<string, string | null> {
  if (effect !== undefined && effect.topic === topicOf(req)) {
    return { 'retention.ms': asValue(effect.retentionMs), 'segment.ms': asValue(effect.segmentMs) };
  }
  const fault: Record<string, string> = { 'retention.ms': String(req.params.retentionMs), 'segment.ms': String(req.params.segmentMs) };
  return Object.fromEntries(KEYS.map((k) => [k, current.get(k) === fault[k] ? null : (current.get(k) ?? null)]));
}

export async function healRetentionPurge(
  req: RetentionPurge,
  effect: FaultEffect | undefined,
  opts: AdminFaultOptions,
): Promise<{ actions: string[]; verification: Verification }> {
  const topic = topicOf(req);
  const { cluster } = req.params;
  const wanted = await opts.admins.run(cluster, `restoring ${topic}'s retention`, async (admin, call) => {
    const current = await topicOverrides(admin, call, cluster, topic);
    const wanted = restoredValues(req, effect, current);
    const next = new Map(current);
    for (const k of KEYS) {
      const v = wanted[k];
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    await writeOverrides(admin, call, topic, next);
    return wanted;
  });
  const action = `${topic}: ${KEYS.map((k) => `${k} ${wanted[k] ?? 'default (override removed)'}`).join(', ')}${effect === undefined ? ' (no record of the injection: removed the fault values only)' : ''}`;
  try {
    await awaitOverrides(opts, cluster, topic, wanted);
  } catch (error) {
    return { actions: [action], verification: { ok: false, detail: (error as Error).message } };
  }
  return {
    actions: [action],
    verification: { ok: true, detail: `every broker shows ${topic}'s ${KEYS.map((k) => `${k} ${wanted[k] ?? 'default'}`).join(', ')}` },
  };
}

/** Only looks: the topic's two overrides are what the injection found. */
export async function verifyRetentionPurgeHealed(
  req: RetentionPurge,
  effect: FaultEffect | undefined,
  opts: AdminFaultOptions,
): Promise<Verification> {
  const topic = topicOf(req);
  const now = await opts.admins.run(req.params.cluster, `describing ${topic}`, (admin, call) =>
    topicOverrides(admin, call, req.params.cluster, topic),
  );
  const wanted = restoredValues(req, effect, now);
  const off = KEYS.filter((k) => (now.get(k) ?? null) !== wanted[k]);
  return {
    ok: off.length === 0,
    detail:
      off.length === 0
        ? `${topic}: ${describe(now)}`
        : `${topic} still has ${off.map((k) => `${k} ${now.get(k) ?? 'default'} (wanted ${wanted[k] ?? 'default'})`).join(', ')}`,
  };
}

function topicOf(req: RetentionPurge): string {
  if (req.target.type !== 'topic')
    throw new FaultRunnerError('target_invalid', 'target: retention-purge expects a topic', { field: 'target' });
  return req.target.topic;
}

function asValue(v: FaultEffect[string] | undefined): string | null {
  return v === null || v === undefined ? null : String(v);
}

function describe(overrides: Map<string, string>): string {
  return KEYS.map((k) => `${k} ${overrides.get(k) ?? 'default'}`).join(', ');
}

async function topicOverrides(admin: Admin, call: Call, cluster: ClusterName, topic: string): Promise<Map<string, string>> {
  const res = await call(
    admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] }),
    'DescribeConfigs',
  );
  const r = res.resources[0];
  if (r === undefined || r.errorCode !== 0) {
    throw new FaultRunnerError(
      'inject_failed',
      `topic ${topic} on the ${cluster} cluster: ${r?.errorMessage ?? 'no answer'} (does it exist?)`,
      { retriable: false },
    );
  }
  return new Map(
    r.configEntries.filter((e) => e.configSource === TOPIC_OVERRIDE && e.configValue !== null).map((e) => [e.configName, e.configValue]),
  );
}

async function writeOverrides(admin: Admin, call: Call, topic: string, overrides: Map<string, string>): Promise<void> {
  const configEntries = [...overrides].map(([name, value]) => ({ name, value }));
  await call(
    admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries }] }),
    'AlterConfigs',
  );
}

/** Every broker of the cluster answers with these overrides (null: none, the default), bounded by the settle timeout. */
async function awaitOverrides(
  opts: AdminFaultOptions,
  cluster: ClusterName,
  topic: string,
  wanted: Record<string, string | null>,
): Promise<void> {
  await pollUntil(
    `${topic}'s ${Object.entries(wanted)
      .map(([k, v]) => `${k} ${v ?? 'default'}`)
      .join(', ')} on every broker`,
    async () => {
      const views = await opts.admins.runOnEachBroker(cluster, `configs of ${topic}`, async (admin, call, broker) => ({
        broker,
        overrides: await topicOverrides(admin, call, cluster, topic),
      }));
      const behind = views.filter((v) => Object.entries(wanted).some(([k, want]) => (v.overrides.get(k) ?? null) !== want));
      return behind.length === 0 ? { done: undefined } : { notYet: behind.map((v) => `${v.broker}: ${describe(v.overrides)}`).join('; ') };
    },
    { timeoutMs: opts.settleTimeoutMs },
  );
}

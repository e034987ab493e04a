import { KAFKA_NODE_POOLS, STATEFULSETS, jsonPointer, podOrdinal, type JsonPatchOp, type ReplicatedObject } from '@mirrorlab/kube';
import { FaultRunnerError, errorMessage } from '../errors';
import type { FaultEffect, Injection, Verification } from '../fault-backend';
import type { FaultRequestOf } from '../fault-request';
import type { ClusterName } from '../fault-target';
import type { SutPart } from './kubernetes-config';
import { awaitPartReady, kubeFailure, livePods, partOf, podOf, readSet, replicasOf, type KubeFaultContext } from './sut-view';

export type ScaleFaultKind = 'remove-broker' | 'add-broker' | 'add-replicator-worker';
export type ScaleFault = FaultRequestOf<ScaleFaultKind>;

/** On the scaled object while a fault holds it: which fault, and the replicas to restore. */
export const FAULT_ANNOTATION = 'mirrorlab.io/fault';
export const REPLICAS_BEFORE_ANNOTATION = 'mirrorlab.io/replicas-before';
/** Strimzi: which node ids a scale-down removes (else the highest go). */
export const STRIMZI_REMOVE_NODE_IDS = 'strimzi.io/remove-node-ids';

/** Moves partition replicas off a broker before it goes (add-broker's heal); returns the partitions moved. */
export type ReplicaMover = (cluster: ClusterName, nodeId: number, keep: readonly number[]) => Promise<string[]>;

const annotation = (key: string) => jsonPointer('metadata', 'annotations', key);

function clusterOf(fault: ScaleFault): ClusterName | undefined {
  if (fault.target.type === 'broker' || fault.target.type === 'cluster') return fault.target.cluster;
  return undefined;
}

function holderOf(set: ReplicatedObject): string | undefined {
  return set.metadata.annotations?.[FAULT_ANNOTATION];
}

/**
 * Scales the part's set by one with a JSON patch that tests the replicas it read (a
 * concurrent change fails the patch rather than being overwritten) and records, in
 * annotations on the object itself, the fault and the replicas to restore: a runner that
 * restarts heals from them without any other record.
 *
 * - remove-broker: one broker fewer. A StatefulSet removes its highest ordinal, so only that
 *   broker can be the target; a Strimzi KafkaNodePool removes the node the target names
 *   (`strimzi.io/remove-node-ids`; Strimzi refuses while the node holds partition replicas).
 * - add-broker, add-replicator-worker: one more pod.
 * In effect once exactly the new count of pods is Ready (and, for remove-broker, the target gone).
 */
export async function injectScaleFault(ctx: KubeFaultContext, fault: ScaleFault): Promise<Injection> {
  const part = partOf(ctx.sut, fault.target);
  try {
    const set = await readSet(ctx, part);
    const holder = holderOf(set);
    if (holder !== undefined && holder !== fault.faultId) {
      throw new FaultRunnerError('inject_failed', `${part.set.text} is scaled by fault ${holder}; it must be healed first`, {
        retriable: false,
      });
    }
    const podsBefore = await livePods(ctx, part);
    let before: number;
    let after: number;
    let removed: string | undefined;
    let atMs: number;
    if (holder === fault.faultId) {
      // A retried inject: the patch went in before; only the wait is left.
      before = Number(set.metadata.annotations?.[REPLICAS_BEFORE_ANNOTATION]);
      after = replicasOf(set, part);
      atMs = Date.now();
    } else {
      before = replicasOf(set, part);
      const extra: Array<[string, string]> = [];
      if (fault.kind === 'remove-broker') {
        if (before <= 1)
          throw new FaultRunnerError('inject_failed', `${part.set.text} has ${before} replica: removing it would leave no broker`, {
            retriable: false,
          });
        removed = (await podOf(ctx, part, fault.target)).metadata.name;
        const ordinal = podOrdinal(removed);
        if (part.set.type === KAFKA_NODE_POOLS) extra.push([STRIMZI_REMOVE_NODE_IDS, `[${ordinal}]`]);
        else if (part.set.type === STATEFULSETS) {
          const highest = podsBefore[podsBefore.length - 1]?.metadata.name;
          if (removed !== highest) {
            const last = podsBefore.length;
            throw new FaultRunnerError(
              'target_invalid',
              `target: scaling down ${part.set.text} removes its highest ordinal (${highest}, broker ${last}), not ${removed}; use ${clusterOf(fault)}:${last}`,
              { field: 'target' },
            );
          }
        }
        after = before - 1;
      } else {
        after = before + 1;
      }
      const ops: JsonPatchOp[] = [
        { op: 'test', path: '/spec/replicas', value: before },
        { op: 'replace', path: '/spec/replicas', value: after },
      ];
      if (set.metadata.annotations === undefined) ops.push({ op: 'add', path: '/metadata/annotations', value: {} });
      for (const [key, value] of [[FAULT_ANNOTATION, fault.faultId], [REPLICAS_BEFORE_ANNOTATION, String(before)], ...extra])
        ops.push({ op: 'add', path: annotation(key), value });
      await ctx.client.patch(part.set.type, ctx.sut.namespace, part.set.name, { type: 'json', ops });
      atMs = Date.now();
    }
    const ready = await awaitPartReady(ctx, part, after, ctx.healTimeoutMs);
    if (!ready.ok) {
      const hint =
        fault.kind === 'remove-broker' && part.set.type === KAFKA_NODE_POOLS
          ? ' (Strimzi does not remove a broker that holds partition replicas: see the Kafka status)'
          : '';
      throw new FaultRunnerError('inject_failed', `${part.set.text} scaled ${before} -> ${after}, but ${ready.detail}${hint}`);
    }
    const podsAfter = await livePods(ctx, part);
    const added = podsAfter.find((p) => !podsBefore.some((b) => b.metadata.name === p.metadata.name))?.metadata.name;
    if (removed !== undefined && podsAfter.some((p) => p.metadata.name === removed)) {
      throw new FaultRunnerError(
        'inject_failed',
        `${part.set.text} scaled ${before} -> ${after}, but ${removed} is still there: another pod went`,
      );
    }
    const effect: FaultEffect = { set: part.set.text, replicasBefore: before, replicasAfter: after };
    if (removed !== undefined) effect.removedPod = removed;
    if (added !== undefined) effect.addedPod = added;
    return {
      atMs,
      detail: `${part.set.text}: ${before} -> ${after} replicas${removed ? `, without ${removed}` : ''}${added ? `, with ${added}` : ''}; ${ready.detail}`,
      effect,
    };
  } catch (error) {
    throw kubeFailure(error, 'inject_failed', `${fault.kind} on the ${part.role}`);
  }
}

export async function verifyScaleFaultInjected(ctx: KubeFaultContext, fault: ScaleFault): Promise<Verification> {
  const part = partOf(ctx.sut, fault.target);
  const set = await readSet(ctx, part);
  const before = Number(set.metadata.annotations?.[REPLICAS_BEFORE_ANNOTATION]);
  const want = fault.kind === 'remove-broker' ? before - 1 : before + 1;
  const ok = holderOf(set) === fault.faultId && set.spec?.replicas === want;
  return {
    ok,
    detail: `${part.set.text}: ${set.spec?.replicas} replicas${holderOf(set) ? `, held by ${holderOf(set)} (before: ${before})` : ', held by no fault'}`,
  };
}

/**
 * Restores the replicas recorded on the object (tested against this fault's annotation, so
 * another fault's change is never undone) and removes the annotations; for add-broker, first
 * moves partition replicas off the added broker. Then waits for exactly that many Ready pods.
 * With no annotation of this fault there is nothing to undo: it only verifies.
 */
export async function healScaleFault(
  ctx: KubeFaultContext,
  fault: ScaleFault,
  effect: FaultEffect | undefined,
  mover: ReplicaMover | undefined,
  timeoutMs: number,
): Promise<{ actions: string[]; verification: Verification }> {
  const part = partOf(ctx.sut, fault.target);
  const set = await readSet(ctx, part);
  const annotations = set.metadata.annotations ?? {};
  const actions: string[] = [];
  if (holderOf(set) !== fault.faultId) {
    actions.push(
      `nothing of this fault on ${part.set.text} (${set.spec?.replicas} replicas${holderOf(set) ? `, held by ${holderOf(set)}` : ''}): nothing to undo`,
    );
  } else {
    const recorded = Number(annotations[REPLICAS_BEFORE_ANNOTATION]);
    const before = Number.isInteger(recorded) ? recorded : Number(effect?.replicasBefore);
    const current = replicasOf(set, part);
    const extra: JsonPatchOp[] = [];
    if (fault.kind === 'add-broker') {
      const added = await addedBroker(ctx, part, before, effect);
      if (mover !== undefined && added !== undefined) {
        const keep = (await livePods(ctx, part))
          .map((p) => podOrdinal(p.metadata.name))
          .filter((n): n is number => n !== undefined && n !== added.nodeId);
        const moved = await mover(clusterOf(fault) ?? 'source', added.nodeId, keep);
        actions.push(
          moved.length === 0
            ? `nothing had moved to ${added.pod}`
            : `moved ${moved.length} partitions off ${added.pod}: ${moved.join(', ')}`,
        );
      }
      if (part.set.type === KAFKA_NODE_POOLS && added !== undefined)
        extra.push({
          op: STRIMZI_REMOVE_NODE_IDS in annotations ? 'replace' : 'add',
          path: annotation(STRIMZI_REMOVE_NODE_IDS),
          value: `[${added.nodeId}]`,
        });
    } else if (STRIMZI_REMOVE_NODE_IDS in annotations) {
      extra.push({ op: 'remove', path: annotation(STRIMZI_REMOVE_NODE_IDS) });
    }
    const ops: JsonPatchOp[] = [
      { op: 'test', path: annotation(FAULT_ANNOTATION), value: fault.faultId },
      { op: 'replace', path: '/spec/replicas', value: before },
      { op: 'remove', path: annotation(FAULT_ANNOTATION) },
      { op: 'remove', path: annotation(REPLICAS_BEFORE_ANNOTATION) },
      ...extra,
    ];
    await ctx.client.patch(part.set.type, ctx.sut.namespace, part.set.name, { type: 'json', ops });
    actions.push(`${part.set.text}: ${current} -> ${before} replicas`);
  }
  const verification = await awaitScaleFaultHealed(ctx, fault, timeoutMs);
  // Strimzi's annotation did its work once the pods are as before; left behind it would steer a later scale-down.
  const afterwards =
    verification.ok && fault.kind === 'add-broker' && part.set.type === KAFKA_NODE_POOLS ? await readSet(ctx, part) : undefined;
  if (afterwards?.metadata.annotations?.[STRIMZI_REMOVE_NODE_IDS] !== undefined && holderOf(afterwards) === undefined) {
    await ctx.client.patch(part.set.type, ctx.sut.namespace, part.set.name, {
      type: 'merge',
      body: { metadata: { annotations: { [STRIMZI_REMOVE_NODE_IDS]: null } } },
    });
    actions.push(`removed ${STRIMZI_REMOVE_NODE_IDS} from ${part.set.text}`);
  }
  return { actions, verification };
}

/** The broker add-broker added: from its record, else the ordinal a StatefulSet gives its next pod. */
async function addedBroker(
  ctx: KubeFaultContext,
  part: SutPart,
  before: number,
  effect: FaultEffect | undefined,
): Promise<{ pod: string; nodeId: number } | undefined> {
  if (typeof effect?.addedPod === 'string') {
    const nodeId = podOrdinal(effect.addedPod);
    return nodeId === undefined ? undefined : { pod: effect.addedPod, nodeId };
  }
  if (part.set.type !== STATEFULSETS) return undefined;
  const pod = (await livePods(ctx, part)).find((p) => podOrdinal(p.metadata.name) === before);
  return pod === undefined ? undefined : { pod: pod.metadata.name, nodeId: before };
}

/** The object holds no annotation of this fault, and exactly its replicas of pods are Ready. */
export async function awaitScaleFaultHealed(ctx: KubeFaultContext, fault: ScaleFault, timeoutMs: number): Promise<Verification> {
  const part = partOf(ctx.sut, fault.target);
  try {
    const set = await readSet(ctx, part);
    if (holderOf(set) === fault.faultId)
      return { ok: false, detail: `${part.set.text} still carries this fault's annotations (${set.spec?.replicas} replicas)` };
    const replicas = replicasOf(set, part);
    const ready = await awaitPartReady(ctx, part, replicas, timeoutMs);
    return { ok: ready.ok, detail: `${part.set.text}: ${replicas} replicas; ${ready.detail}` };
  } catch (error) {
    return { ok: false, detail: errorMessage(error) };
  }
}

/** The planned size of a broker set: the replicas before a fault changed them, else its replicas. */
export function plannedReplicas(set: ReplicatedObject): number | undefined {
  const recorded = Number(set.metadata.annotations?.[REPLICAS_BEFORE_ANNOTATION]);
  if (set.metadata.annotations?.[FAULT_ANNOTATION] !== undefined && Number.isInteger(recorded)) return recorded;
  return set.spec?.replicas;
}

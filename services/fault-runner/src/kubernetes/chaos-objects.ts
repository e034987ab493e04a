import { createHash } from 'node:crypto';
import { parseLabelSelector, splitSelector, type KubeObject } from '@mirrorlab/kube';
import type { LinkDirection } from '../fault-params';
import type { FaultRequestOf } from '../fault-request';
import type { KubernetesSut } from './kubernetes-config';

/**
 * The Chaos Mesh objects (chaos-mesh.org/v1alpha1) the Kubernetes backend creates, built
 * from the fault alone: names come from a hash of the fault id, so any runner (a restarted
 * one healing leftovers) finds them again without a record. Pure; tested request by request.
 */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const FAULT_KIND_LABEL = 'mirrorlab.io/fault-kind';
export const FAULT_HASH_LABEL = 'mirrorlab.io/fault-hash';
export const FAULT_ID_ANNOTATION = 'mirrorlab.io/fault-id';
/** Every object the backend creates carries it: `app.kubernetes.io/managed-by=mirrorlab`. */
export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=mirrorlab`;

export type LinkFault = FaultRequestOf<'packet-loss' | 'network-partition' | 'bandwidth-cap' | 'latency'>;
export type PauseFault = FaultRequestOf<'pause-broker' | 'pause-replicator'>;

export function faultHash(faultId: string): string {
  return createHash('sha256').update(faultId).digest('hex').slice(0, 12);
}

/** `mirrorlab-packet-loss-3fa9c1d2e4b5`, with a suffix for one of several objects of a fault. */
export function chaosName(fault: { kind: string; faultId: string }, suffix?: string): string {
  return `mirrorlab-${fault.kind}-${faultHash(fault.faultId)}${suffix ? `-${suffix}` : ''}`;
}

function metadata(
  fault: { kind: string; faultId: string; scenarioId: string },
  namespace: string,
  name: string,
  extraLabels: Record<string, string> = {},
) {
  return {
    name,
    namespace,
    labels: {
      [MANAGED_BY_LABEL]: 'mirrorlab',
      [FAULT_KIND_LABEL]: fault.kind,
      [FAULT_HASH_LABEL]: faultHash(fault.faultId),
      ...extraLabels,
    },
    annotations: { [FAULT_ID_ANNOTATION]: fault.faultId, 'mirrorlab.io/scenario-id': fault.scenarioId },
  };
}

/** A label selector as Chaos Mesh's pod selector: equality terms as `labelSelectors`, the rest as `expressionSelectors`. */
export function chaosSelector(namespace: string, selector: string): Record<string, unknown> {
  const { labels, expressions } = splitSelector(parseLabelSelector(selector));
  return {
    namespaces: [namespace],
    ...(Object.keys(labels).length > 0 ? { labelSelectors: labels } : {}),
    ...(expressions.length > 0 ? { expressionSelectors: expressions } : {}),
  };
}

/**
 * pause-*: Chaos Mesh has no SIGSTOP; `pod-failure` swaps the pod's containers for a pause
 * image until the object is deleted, so the pod stays (name, IP, volumes) but serves
 * nothing, and its containers restart on recovery. The documented stand-in for a pause.
 */
export function podFailureChaos(fault: PauseFault, namespace: string, podName: string): KubeObject {
  return {
    apiVersion: 'chaos-mesh.org/v1alpha1',
    kind: 'PodChaos',
    metadata: metadata(fault, namespace, chaosName(fault)),
    spec: { action: 'pod-failure', mode: 'all', selector: { pods: { [namespace]: [podName] } } },
  };
}

/** Packets from the source side to the target side are `to`; `both` is both ways. */
export function chaosDirection(direction: LinkDirection): 'both' | 'to' | 'from' {
  return direction === 'both' ? 'both' : direction === 'to-target' ? 'to' : 'from';
}

/**
 * tc tbf as the local lab sets it (libs/lab tbfArgs): a burst of at least 16 KiB or 1/50 s
 * of traffic, and a queue (`limit`) of `latency` (200 ms) of traffic plus the burst.
 */
export function bandwidthSpec(params: FaultRequestOf<'bandwidth-cap'>['params']): { rate: string; limit: number; buffer: number } {
  const bytesPerSecond = (params.rateKbit * 1000) / 8;
  const buffer = params.burstBytes ?? Math.max(16 * 1024, Math.ceil(bytesPerSecond / 50));
  const latencyMs = params.latencyMs ?? 200;
  return { rate: `${Math.round(params.rateKbit)}kbit`, limit: Math.ceil((bytesPerSecond * latencyMs) / 1000) + buffer, buffer };
}

function percent(probability: number): string {
  return String(Number((probability * 100).toFixed(4)));
}

/**
 * The NetworkChaos objects of a link fault, between the source side (`selector`) and the
 * target side (`target.selector`) only, so nothing but the inter-DC path is hit:
 * - packet-loss: action loss, `direction` both / to / from;
 * - network-partition: action partition, same directions;
 * - bandwidth-cap: tc shapes what a pod sends, so each sending side gets its own object
 *   with direction `to` (`both`: two objects), as the lab puts a tbf on each sending end;
 * - latency: netem delays what a pod sends, so as for bandwidth each sending side gets an
 *   object `delay` with direction `to`: `both` delays each way by `latency` (RTT + 2 x
 *   latency), like the lab's Toxiproxy toxic on each stream.
 */
export function linkChaos(fault: LinkFault, sut: Pick<KubernetesSut, 'namespace' | 'link'>): KubeObject[] {
  const ns = sut.namespace;
  const source = chaosSelector(ns, sut.link.sourceSide);
  const target = chaosSelector(ns, sut.link.targetSide);
  const object = (name: string, spec: Record<string, unknown>, labels: Record<string, string> = {}): KubeObject => ({
    apiVersion: 'chaos-mesh.org/v1alpha1',
    kind: 'NetworkChaos',
    metadata: metadata(fault, ns, name, labels),
    spec,
  });
  switch (fault.kind) {
    case 'packet-loss': {
      const { probability, direction } = (fault as FaultRequestOf<'packet-loss'>).params;
      return [
        object(chaosName(fault), {
          action: 'loss',
          mode: 'all',
          selector: source,
          direction: chaosDirection(direction),
          target: { mode: 'all', selector: target },
          loss: { loss: percent(probability), correlation: '0' },
        }),
      ];
    }
    case 'network-partition': {
      const { direction } = (fault as FaultRequestOf<'network-partition'>).params;
      return [
        object(chaosName(fault), {
          action: 'partition',
          mode: 'all',
          selector: source,
          direction: chaosDirection(direction),
          target: { mode: 'all', selector: target },
        }),
      ];
    }
    case 'bandwidth-cap': {
      const params = (fault as FaultRequestOf<'bandwidth-cap'>).params;
      const bandwidth = bandwidthSpec(params);
      const ends: Array<['to-target' | 'to-source', Record<string, unknown>, Record<string, unknown>]> = [];
      if (params.direction !== 'to-source') ends.push(['to-target', source, target]);
      if (params.direction !== 'to-target') ends.push(['to-source', target, source]);
      return ends.map(([sending, from, to]) =>
        object(
          chaosName(fault, sending),
          { action: 'bandwidth', mode: 'all', selector: from, direction: 'to', target: { mode: 'all', selector: to }, bandwidth },
          { 'mirrorlab.io/sending': sending },
        ),
      );
    }
    case 'latency': {
      const { latencyMs, jitterMs, direction } = (fault as FaultRequestOf<'latency'>).params;
      const delay = { latency: `${latencyMs}ms`, jitter: `${jitterMs}ms`, correlation: '0' };
      const ends: Array<['to-target' | 'to-source', Record<string, unknown>, Record<string, unknown>]> = [];
      if (direction !== 'to-source') ends.push(['to-target', source, target]);
      if (direction !== 'to-target') ends.push(['to-source', target, source]);
      return ends.map(([sending, from, to]) =>
        object(
          chaosName(fault, sending),
          { action: 'delay', mode: 'all', selector: from, direction: 'to', target: { mode: 'all', selector: to }, delay },
          { 'mirrorlab.io/sending': sending },
        ),
      );
    }
  }
}

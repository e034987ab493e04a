import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import type { KubeObject } from '@mirrorlab/kube';
import { loadConfig } from '@mirrorlab/service-kit';
import { faultOf } from '../testing/fault-of';
import {
  bandwidthSpec,
  chaosDirection,
  chaosName,
  chaosSelector,
  linkChaos,
  podFailureChaos,
  type LinkFault,
  type PauseFault,
} from './chaos-objects';
import { kubernetesEnv, sutFromConfig } from './kubernetes-config';

const sut = sutFromConfig(loadConfig(kubernetesEnv, {}));

/** The hand-written Chaos Mesh schemas the deploy checks use (tools/deploy-check/schemas). */
function schemaValidator(kind: 'PodChaos' | 'NetworkChaos') {
  const file = path.join(__dirname, '../../../../tools/deploy-check/schemas', `chaos-mesh.org_v1alpha1_${kind}.json`);
  return new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(file, 'utf8')) as object);
}

function expectValid(kind: 'PodChaos' | 'NetworkChaos', object: KubeObject) {
  const validate = schemaValidator(kind);
  expect(validate(object) ? [] : validate.errors).toEqual([]);
}

test('names derive from the fault id alone and fit a label value', () => {
  const a = chaosName(faultOf('packet-loss', { params: { probability: 0.1 } }));
  expect(a).toBe(chaosName(faultOf('packet-loss', { params: { probability: 0.5 } })));
  expect(a).not.toBe(chaosName(faultOf('packet-loss', { params: { probability: 0.1 }, faultId: 'sc-1/other' })));
  expect(chaosName(faultOf('network-partition'), 'to-target').length).toBeLessThanOrEqual(63);
});

test('a label selector becomes Chaos Mesh labelSelectors and expressionSelectors in the namespace', () => {
  expect(chaosSelector('kafka', 'strimzi.io/cluster=source,strimzi.io/broker-role,role notin (controller)')).toEqual({
    namespaces: ['kafka'],
    labelSelectors: { 'strimzi.io/cluster': 'source' },
    expressionSelectors: [
      { key: 'strimzi.io/broker-role', operator: 'Exists' },
      { key: 'role', operator: 'NotIn', values: ['controller'] },
    ],
  });
});

test('pause: a PodChaos pod-failure on exactly one pod, valid for Chaos Mesh', () => {
  const chaos = podFailureChaos(faultOf('pause-replicator') as PauseFault, 'kafka', 'mirror-mirrormaker2-0');
  expect(chaos.spec).toEqual({ action: 'pod-failure', mode: 'all', selector: { pods: { kafka: ['mirror-mirrormaker2-0'] } } });
  expectValid('PodChaos', chaos);
});

test('packet-loss: loss between the source brokers and the replicator pods, both ways, as a percentage', () => {
  const [chaos, ...rest] = linkChaos(faultOf('packet-loss', { params: { probability: 0.055 } }) as LinkFault, sut);
  expect(rest).toEqual([]);
  expect(chaos.spec).toEqual({
    action: 'loss',
    mode: 'all',
    selector: {
      namespaces: ['kafka'],
      labelSelectors: { 'strimzi.io/cluster': 'source', 'strimzi.io/kind': 'Kafka', 'strimzi.io/broker-role': 'true' },
    },
    direction: 'both',
    target: {
      mode: 'all',
      selector: { namespaces: ['kafka'], labelSelectors: { 'strimzi.io/cluster': 'mirror', 'strimzi.io/kind': 'KafkaMirrorMaker2' } },
    },
    loss: { loss: '5.5', correlation: '0' },
  });
  expectValid('NetworkChaos', chaos);
});

test('network-partition: directions map to Chaos Mesh (to-target is "to": packets from the source side)', () => {
  expect(chaosDirection('both')).toBe('both');
  expect(chaosDirection('to-target')).toBe('to');
  expect(chaosDirection('to-source')).toBe('from');
  const [chaos] = linkChaos(faultOf('network-partition', { params: { direction: 'to-source' } }) as LinkFault, sut);
  expect(chaos.spec).toMatchObject({ action: 'partition', direction: 'from' });
  expect(chaos.spec).not.toHaveProperty('loss');
  expectValid('NetworkChaos', chaos);
});

test('bandwidth-cap: one NetworkChaos per sending side, direction "to", tbf settings as the lab sets them', () => {
  expect(bandwidthSpec({ rateKbit: 1000, burstBytes: null, latencyMs: null, direction: 'both' })).toEqual({
    rate: '1000kbit',
    buffer: 16384,
    limit: 25000 + 16384,
  });
  expect(bandwidthSpec({ rateKbit: 100_000, burstBytes: 65536, latencyMs: 50, direction: 'both' })).toEqual({
    rate: '100000kbit',
    buffer: 65536,
    limit: 625000 + 65536,
  });
  const fault = faultOf('bandwidth-cap', { params: { rate: '1mbit' } }) as LinkFault;
  const both = linkChaos(fault, sut);
  expect(
    both.map((c) => [
      c.metadata.name,
      (c.spec?.selector as { labelSelectors: Record<string, string> }).labelSelectors['strimzi.io/cluster'],
      c.spec?.direction,
    ]),
  ).toEqual([
    [chaosName(fault, 'to-target'), 'source', 'to'],
    [chaosName(fault, 'to-source'), 'mirror', 'to'],
  ]);
  for (const c of both) expectValid('NetworkChaos', c);
  expect(
    linkChaos(faultOf('bandwidth-cap', { params: { rate: '1mbit', direction: 'to-source' } }) as LinkFault, sut).map(
      (c) => c.metadata.labels?.['mirrorlab.io/sending'],
    ),
  ).toEqual(['to-source']);
});

test('latency: one NetworkChaos delay per sending side, direction "to" (both ways: RTT + 2 x latency)', () => {
  const fault = faultOf('latency', { params: { latency: '500ms', jitter: '5ms' } }) as LinkFault;
  const both = linkChaos(fault, sut);
  expect(
    both.map((c) => [
      c.metadata.name,
      (c.spec?.selector as { labelSelectors: Record<string, string> }).labelSelectors['strimzi.io/cluster'],
      c.spec?.action,
      c.spec?.direction,
    ]),
  ).toEqual([
    [chaosName(fault, 'to-target'), 'source', 'delay', 'to'],
    [chaosName(fault, 'to-source'), 'mirror', 'delay', 'to'],
  ]);
  for (const c of both) {
    expect(c.spec?.delay).toEqual({ latency: '500ms', jitter: '5ms', correlation: '0' });
    expectValid('NetworkChaos', c);
  }
  const toTarget = linkChaos(faultOf('latency', { params: { latency: '40ms', direction: 'to-target' } }) as LinkFault, sut);
  expect(toTarget.map((c) => [c.metadata.labels?.['mirrorlab.io/sending'], c.spec?.delay])).toEqual([
    ['to-target', { latency: '40ms', jitter: '0ms', correlation: '0' }],
  ]);
});

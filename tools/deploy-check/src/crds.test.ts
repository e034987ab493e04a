import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CRD_KINDS, crdSchemaFromJsonSchema, projectCrds, type Schema } from './crds';
import { CRD_SCHEMA_KINDS } from './k8s-kinds';

const crds = projectCrds();

/** Every schema node under a schema: properties' values, items, additionalProperties (not `not`: value checks only). */
function nodes(schema: Schema, out: Schema[] = []): Schema[] {
  out.push(schema);
  for (const child of Object.values((schema.properties ?? {}) as Record<string, Schema>)) nodes(child, out);
  for (const key of ['items', 'additionalProperties'] as const) {
    const child = schema[key];
    if (child && typeof child === 'object') nodes(child as Schema, out);
  }
  return out;
}

test('a CRD for every kind deploy/ uses that no built-in API serves, the hand-written ones from ../schemas', () => {
  expect(crds.map((c) => (c.metadata as { name: string }).name)).toEqual([
    'kafkas.kafka.strimzi.io',
    'kafkanodepools.kafka.strimzi.io',
    'kafkamirrormaker2s.kafka.strimzi.io',
    'podchaos.chaos-mesh.org',
    'networkchaos.chaos-mesh.org',
    'servicemonitors.monitoring.coreos.com',
    'prometheusrules.monitoring.coreos.com',
  ]);
  expect(CRD_KINDS.filter((k) => k.handWritten).map((k) => `${k.group}/${k.version}/${k.kind}`)).toEqual([...CRD_SCHEMA_KINDS]);
});

test('the scale subresource where Strimzi has one (node pools, MirrorMaker 2), status where upstream has it', () => {
  const subresources = Object.fromEntries(
    crds.map((c) => [
      (c.spec as { names: { kind: string } }).names.kind,
      (c.spec as { versions: Array<{ subresources?: Schema }> }).versions[0].subresources,
    ]),
  );
  expect(subresources.KafkaNodePool).toEqual({
    status: {},
    scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.labelSelector' },
  });
  expect(subresources.KafkaMirrorMaker2).toHaveProperty('scale');
  expect(subresources.Kafka).toEqual({ status: {} });
  expect(subresources.ServiceMonitor).toBeUndefined();
});

test('structural: no additionalProperties false, no const, no uniqueItems, a type (or int-or-string / preserve) wherever there are properties or items', () => {
  for (const crd of crds) {
    const all = nodes((crd.spec as { versions: Array<{ schema: { openAPIV3Schema: Schema } }> }).versions[0].schema.openAPIV3Schema);
    expect(all.length).toBeGreaterThan(10);
    for (const node of all) {
      expect(node.additionalProperties).not.toBe(false);
      expect(node).not.toHaveProperty('const');
      expect(node).not.toHaveProperty('uniqueItems');
      expect(node).not.toHaveProperty('$schema');
      if ('properties' in node) expect(node.type).toBe('object');
      if ('items' in node) expect(node.type).toBe('array');
      if (!('x-kubernetes-int-or-string' in node) && !('x-kubernetes-preserve-unknown-fields' in node))
        expect(typeof node.type).toBe('string');
    }
  }
});

test('the conversions, one by one', () => {
  expect(crdSchemaFromJsonSchema({ const: 'kafka.strimzi.io/v1' })).toEqual({ enum: ['kafka.strimzi.io/v1'], type: 'string' });
  expect(crdSchemaFromJsonSchema({ enum: [1, 2] })).toEqual({ enum: [1, 2], type: 'integer' });
  expect(crdSchemaFromJsonSchema({ anyOf: [{ type: 'string' }, { type: 'number' }] })).toEqual({ 'x-kubernetes-int-or-string': true });
  expect(crdSchemaFromJsonSchema({ type: 'array', uniqueItems: true, items: { enum: ['broker', 'controller'] } })).toEqual({
    type: 'array',
    'x-kubernetes-list-type': 'set',
    items: { enum: ['broker', 'controller'], type: 'string' },
  });
  expect(crdSchemaFromJsonSchema({ type: 'object', additionalProperties: false, properties: { a: { type: 'string' } } })).toEqual({
    type: 'object',
    properties: { a: { type: 'string' } },
  });
  expect(
    crdSchemaFromJsonSchema({
      oneOf: [
        { type: 'object', properties: { type: { const: 'ephemeral' }, sizeLimit: { type: 'string' } }, required: ['type'] },
        { type: 'object', properties: { type: { const: 'persistent-claim' }, size: { type: 'string' } }, required: ['type', 'size'] },
      ],
    }),
  ).toEqual({
    type: 'object',
    properties: {
      type: { type: 'string', enum: ['ephemeral', 'persistent-claim'] },
      sizeLimit: { type: 'string' },
      size: { type: 'string' },
    },
    required: ['type'],
  });
  expect(() => crdSchemaFromJsonSchema({ anyOf: [{ type: 'object' }, { type: 'array' }] })).toThrow('structural schema');
});

test('ServiceMonitor and PrometheusRule come from the kubernetes-models declarations the offline field checks read', () => {
  const schemaOf = (kind: string) =>
    (
      crds.find((c) => (c.spec as { names: { kind: string } }).names.kind === kind)!.spec as {
        versions: Array<{ schema: { openAPIV3Schema: Schema } }>;
      }
    ).versions[0].schema.openAPIV3Schema;
  const monitor = schemaOf('ServiceMonitor') as {
    properties: { spec: { properties: { endpoints: { items: { properties: Record<string, Schema> } } } } };
  };
  expect(monitor.properties.spec.properties.endpoints.items.properties.interval).toEqual({ type: 'string' });
  expect(monitor.properties.spec.properties.endpoints.items.properties.honorLabels).toEqual({ type: 'boolean' });
  const rule = schemaOf('PrometheusRule') as {
    properties: { spec: { properties: { groups: { items: { properties: Record<string, Schema> } } } } };
  };
  expect(rule.properties.spec.properties.groups.items.properties.rules).toMatchObject({ type: 'array', items: { type: 'object' } });
});

/**
 * crds.json is what a user applies to see deploy/ on an API server of their own
 * (tools/kube-lab/README.md); it must be what projectCrds() makes. To refresh it:
 * UPDATE_CRDS=1 npx jest -c tools/deploy-check/jest.config.js src/crds.test.ts
 */
test('crds.json is up to date with the schemas', () => {
  const file = join(__dirname, '../crds.json');
  const made = `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: crds }, null, 2)}\n`;
  if (process.env.UPDATE_CRDS === '1') writeFileSync(file, made);
  expect(readFileSync(file, 'utf8')).toBe(made);
});

import type { K8sObject } from './k8s-object';
import { formatProblems } from './problem';
import { ManifestValidator } from './schema-validation';

let validator: ManifestValidator;
beforeAll(() => {
  validator = ManifestValidator.load();
});

const check = (o: unknown) => formatProblems(validator.validate(o as K8sObject));

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd', labels: { app: 'd' } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'd' } },
    template: {
      metadata: { labels: { app: 'd' } },
      spec: {
        containers: [
          {
            name: 'c',
            image: 'i',
            ports: [{ name: 'http', containerPort: 8081 }],
            readinessProbe: { httpGet: { path: '/readyz', port: 'http' } },
          },
        ],
      },
    },
  },
});

const mirrorMaker = () => ({
  apiVersion: 'kafka.strimzi.io/v1',
  kind: 'KafkaMirrorMaker2',
  metadata: { name: 'm' },
  spec: {
    replicas: 1,
    target: {
      alias: 'target',
      bootstrapServers: 't:9092',
      groupId: 'g',
      configStorageTopic: 'c',
      statusStorageTopic: 's',
      offsetStorageTopic: 'o',
    },
    mirrors: [{ source: { alias: 'source', bootstrapServers: 's:9092' }, sourceConnector: { tasksMax: 2, config: { 'any.key': 1 } } }],
  },
});

describe('built-in kinds (kubernetes-models)', () => {
  it('accept a valid object', () => {
    expect(check(deployment())).toBe('');
  });

  it('report a value of the wrong type', () => {
    const d = deployment();
    (d.spec as Record<string, unknown>).replicas = 'three';
    expect(check(d)).toMatch(/spec\.replicas: must be integer/);
  });

  it('report a misspelt field, which the API server would drop without a word', () => {
    const d = deployment();
    const c = d.spec.template.spec.containers[0] as Record<string, unknown>;
    c.livenesProbe = c.readinessProbe;
    expect(check(d)).toBe('apps/v1 Deployment d: spec.template.spec.containers[0].livenesProbe: not a field of apps/v1/Deployment');
  });

  it('report a missing required field', () => {
    const d = deployment() as { spec: Partial<ReturnType<typeof deployment>['spec']> };
    delete d.spec.selector;
    expect(check(d)).toMatch(/spec: must have required property '?selector/);
  });

  it('know the Prometheus Operator kinds', () => {
    const monitor = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'm' },
      spec: { selector: {}, endpoint: [{ port: 'http' }] },
    };
    expect(check(monitor)).toMatch(/spec\.endpoint: not a field/);
  });

  it('refuse a kind that has no schema here', () => {
    expect(check({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'x' } })).toMatch(/no schema for batch\/v1\/CronJob/);
  });
});

describe('Strimzi kinds (hand-written v1 schemas)', () => {
  it('accept the v1 KafkaMirrorMaker2 layout: spec.target and spec.mirrors[].source', () => {
    expect(check(mirrorMaker())).toBe('');
  });

  it('refuse the v1beta2 layout (clusters, connectCluster, sourceCluster/targetCluster)', () => {
    const old = {
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'KafkaMirrorMaker2',
      metadata: { name: 'm' },
      spec: {
        connectCluster: 'target',
        clusters: [{ alias: 'source', bootstrapServers: 's:9092' }],
        mirrors: [{ sourceCluster: 'source', targetCluster: 'target' }],
      },
    };
    const problems = check(old);
    expect(problems).toMatch(/must have required property 'target'/);
    expect(problems).toMatch(/\(connectCluster\)/);
    expect(problems).toMatch(/\(clusters\)/);
    expect(problems).toMatch(/\(sourceCluster\)/);
  });

  it('require the target Connect cluster group id and internal topics', () => {
    const m = mirrorMaker();
    delete (m.spec.target as Partial<typeof m.spec.target>).groupId;
    expect(check(m)).toMatch(/spec\.target: must have required property 'groupId'/);
  });

  it('refuse the older API versions altogether', () => {
    expect(check({ ...mirrorMaker(), apiVersion: 'kafka.strimzi.io/v1beta2' })).toMatch(
      /no schema for kafka\.strimzi\.io\/v1beta2\/KafkaMirrorMaker2/,
    );
  });

  it('refuse brokers described in the Kafka resource instead of a KafkaNodePool', () => {
    const kafka = {
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'Kafka',
      metadata: { name: 'k' },
      spec: { kafka: { replicas: 3, listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }] } },
    };
    expect(check(kafka)).toMatch(/spec\.kafka: must NOT have additional properties \(replicas\)/);
  });

  it('require the node pool to name its cluster', () => {
    const pool = {
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'KafkaNodePool',
      metadata: { name: 'p' },
      spec: {
        replicas: 3,
        roles: ['broker', 'controller'],
        storage: { type: 'jbod', volumes: [{ id: 0, type: 'persistent-claim', size: '1Gi' }] },
      },
    };
    expect(check(pool)).toMatch(/metadata: must have required property 'labels'/);
  });

  it('check the metadata of custom resources against ObjectMeta', () => {
    expect(check({ ...mirrorMaker(), metadata: { name: 'm', lables: {} } })).toMatch(/metadata\.lables: not a field of ObjectMeta/);
  });
});

describe('Chaos Mesh kinds (hand-written schemas)', () => {
  it('refuse an unknown action', () => {
    const chaos = {
      apiVersion: 'chaos-mesh.org/v1alpha1',
      kind: 'NetworkChaos',
      metadata: { name: 'n' },
      spec: { action: 'drop', mode: 'all', selector: {} },
    };
    expect(check(chaos)).toMatch(/spec\.action: must be equal to one of the allowed values/);
  });
});

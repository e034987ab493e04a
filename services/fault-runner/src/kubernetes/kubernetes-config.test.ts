import { DEPLOYMENTS, KAFKA_MIRROR_MAKER_2S, KAFKA_NODE_POOLS, STATEFULSETS } from '@mirrorlab/kube';
import { ConfigError, loadConfig } from '@mirrorlab/service-kit';
import { kubernetesEnv, sutFromConfig } from './kubernetes-config';

const sutOf = (env: Record<string, string>) => sutFromConfig(loadConfig(kubernetesEnv, env));

test('the defaults are what deploy/ creates: namespace kafka, the Strimzi SUT', () => {
  const sut = sutOf({});
  expect(sut.namespace).toBe('kafka');
  expect(sut.source).toMatchObject({
    selector: 'strimzi.io/cluster=source,strimzi.io/kind=Kafka,strimzi.io/broker-role=true',
    set: { type: KAFKA_NODE_POOLS, name: 'source-dual-role' },
  });
  expect(sut.target.set).toMatchObject({ type: KAFKA_NODE_POOLS, name: 'target-dual-role' });
  expect(sut.replicator).toMatchObject({
    selector: 'strimzi.io/cluster=mirror,strimzi.io/kind=KafkaMirrorMaker2',
    set: { type: KAFKA_MIRROR_MAKER_2S, name: 'mirror' },
  });
  expect(sut.link).toEqual({ sourceSide: sut.source.selector, targetSide: sut.replicator.selector });
});

test('K8S_SUT=plain: the StatefulSets and the MirrorMaker 2 Deployment of deploy/sut/plain', () => {
  const sut = sutOf({ K8S_SUT: 'plain' });
  expect(sut.source).toMatchObject({
    selector: 'app.kubernetes.io/name=kafka,app.kubernetes.io/instance=source',
    set: { type: STATEFULSETS, name: 'source-kafka', text: 'statefulset/source-kafka' },
  });
  expect(sut.replicator).toMatchObject({
    selector: 'app.kubernetes.io/name=mirrormaker2',
    set: { type: DEPLOYMENTS, name: 'mirrormaker2' },
  });
});

test('every part can be overridden', () => {
  const sut = sutOf({
    K8S_NAMESPACE: 'sut',
    K8S_SOURCE_BROKER_SELECTOR: 'app=src',
    K8S_SOURCE_BROKER_SET: 'statefulset/src',
    K8S_REPLICATOR_SET: 'deployment/mm2',
    K8S_LINK_TARGET_SELECTOR: 'side=b',
  });
  expect(sut).toMatchObject({
    namespace: 'sut',
    source: { selector: 'app=src', set: { type: STATEFULSETS, name: 'src' } },
    replicator: { set: { type: DEPLOYMENTS, name: 'mm2' } },
    link: { sourceSide: 'app=src', targetSide: 'side=b' },
  });
});

test('bad values name the variable and the form', () => {
  let error: unknown;
  try {
    loadConfig(kubernetesEnv, {
      K8S_NAMESPACE: 'Kafka_NS',
      K8S_SUT: 'k8s',
      K8S_SOURCE_BROKER_SELECTOR: 'app in',
      K8S_SOURCE_BROKER_SET: 'deployment/kafka',
      K8S_REPLICATOR_SET: 'mirror',
    });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).problems.map((p) => p.variable)).toEqual([
    'K8S_NAMESPACE',
    'K8S_SUT',
    'K8S_SOURCE_BROKER_SELECTOR',
    'K8S_SOURCE_BROKER_SET',
    'K8S_REPLICATOR_SET',
  ]);
  expect((error as ConfigError).message).toContain(
    'K8S_SOURCE_BROKER_SET: expected <kind>/<name> with kind statefulset or kafkanodepool, e.g. kafkanodepool/source-dual-role, got "deployment/kafka"',
  );
  expect((error as ConfigError).message).toContain(
    'K8S_NAMESPACE: expected a Kubernetes namespace name (lowercase letters, digits and "-"), got "Kafka_NS"',
  );
});

test('settings that contradict each other are refused, naming the variable', () => {
  expect(() =>
    sutOf({ K8S_TARGET_BROKER_SELECTOR: 'strimzi.io/cluster=source,strimzi.io/kind=Kafka,strimzi.io/broker-role=true' }),
  ).toThrow('K8S_TARGET_BROKER_SELECTOR: expected a selector other than the source brokers');
  expect(() => sutOf({ K8S_LINK_SOURCE_SELECTOR: 'a=b', K8S_LINK_TARGET_SELECTOR: 'a=b' })).toThrow(
    /K8S_LINK_TARGET_SELECTOR: expected a selector other than the link's source side/,
  );
});

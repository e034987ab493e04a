import type { K8sObject } from './k8s-object';
import { checkPodSecurity, checkResources, checkSelectorMatchesTemplate, checkServiceSelectors, isWorkload } from './pod-checks';
import { formatProblems } from './problem';
import { OVERLAYS, rendered } from './renders';
import { checkServices, serviceDeployments } from './service-checks';
import { SERVICE_NAMES } from './service-contract';
import { checkMirrorMaker, checkServiceAddresses, checkStrimziClusters } from './sut-checks';

/** Every check of intent on one render. */
function intentProblems(objects: readonly K8sObject[]): string {
  const services = new Set(serviceDeployments(objects).map((s) => s.deployment));
  return formatProblems([
    ...checkServices(objects),
    ...objects
      .filter(isWorkload)
      .flatMap((w) => [...checkPodSecurity(w), ...checkSelectorMatchesTemplate(w), ...checkResources(w, { cpuLimit: services.has(w) })]),
    ...checkServiceSelectors(objects),
    ...checkServiceAddresses(objects),
    ...checkStrimziClusters(objects),
    ...checkMirrorMaker(objects),
  ]);
}

const singleCluster = () => structuredClone(rendered('deploy/overlays/single-cluster'));
const find = (objects: K8sObject[], kind: string, namePrefix: string) => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name.startsWith(namePrefix));
  if (!o) throw new Error(`no ${kind} ${namePrefix}*`);
  return o as K8sObject & {
    data: Record<string, string>;
    spec: {
      replicas?: number;
      template: {
        spec: { containers: Record<string, unknown>[]; automountServiceAccountToken?: boolean; securityContext: Record<string, unknown> };
      };
    };
  };
};

describe('the rendered overlays', () => {
  it.each([...OVERLAYS, 'deploy/base'])('%s meets every check of intent', (path) => {
    const objects = rendered(path);
    // The base has no system under test: its addresses point at what an overlay adds.
    const problems = path === 'deploy/base' ? formatProblems(checkServices(objects)) : intentProblems(objects);
    expect(problems).toBe('');
  });

  it('deploy every service in one cluster, and split them between the two regions (source-cluster readers in region A)', () => {
    const names = (path: string) =>
      serviceDeployments(rendered(path))
        .map((s) => s.contract.name)
        .sort();
    expect(names('deploy/overlays/single-cluster')).toEqual([...SERVICE_NAMES].sort());
    expect(names('deploy/overlays/two-regions/source-region')).toEqual(['consumer-groups', 'producer']);
    expect(names('deploy/overlays/two-regions/target-region')).toEqual(
      SERVICE_NAMES.filter((n) => n !== 'producer' && n !== 'consumer-groups').sort(),
    );
  });

  it('keep the control topic on one cluster for every service, in both layouts', () => {
    const control = (path: string) =>
      rendered(path)
        .filter((o) => o.kind === 'ConfigMap')
        .map((o) => (o.data as Record<string, string>).CONTROL_KAFKA_BROKERS)
        .filter(Boolean);
    expect(new Set(control('deploy/overlays/single-cluster'))).toEqual(new Set(['target-kafka-bootstrap.kafka.svc:9092']));
    const target = new Set(control('deploy/overlays/two-regions/target-region'));
    const source = new Set(control('deploy/overlays/two-regions/source-region'));
    expect(target).toEqual(new Set(['target-kafka-bootstrap.kafka.svc:9092']));
    expect(source.size).toBe(1);
    expect([...source][0]).toMatch(/^target-kafka\./);
  });
});

describe('the checks of intent report', () => {
  it('a missing readiness probe and a liveness probe on the wrong path', () => {
    const objects = singleCluster();
    const c = find(objects, 'Deployment', 'consumer-validator').spec.template.spec.containers[0];
    delete c.readinessProbe;
    (c.livenessProbe as { httpGet: { path: string } }).httpGet.path = '/health';
    expect(intentProblems(objects)).toMatch(
      /readinessProbe must be an httpGet probe on \/readyz[\s\S]*livenessProbe path must be \/healthz, not \/health/,
    );
  });

  it('per-replica configuration of the producer', () => {
    const objects = singleCluster();
    find(objects, 'ConfigMap', 'producer-config').data.PRODUCER_ID = 'p1';
    expect(intentProblems(objects)).toMatch(/PRODUCER_ID must not be set: every replica would take the same identity/);
  });

  it('a ConfigMap key that is not a variable of the service', () => {
    const objects = singleCluster();
    find(objects, 'ConfigMap', 'consumer-validator-config').data.SOURCE_KAFKA_BROKERS = 'x:1';
    expect(intentProblems(objects)).toMatch(/SOURCE_KAFKA_BROKERS is not a variable of consumer-validator/);
  });

  it('a secret in a ConfigMap', () => {
    const objects = singleCluster();
    find(objects, 'ConfigMap', 'report-aggregator-config').data.API_TOKEN = 't';
    expect(intentProblems(objects)).toMatch(/API_TOKEN is a secret: put it in the Secret, not the ConfigMap/);
  });

  it('missing limits, a root user and a writable root filesystem', () => {
    const objects = singleCluster();
    const spec = find(objects, 'Deployment', 'provisioner').spec.template.spec;
    delete (spec.containers[0].resources as Record<string, unknown>).limits;
    spec.securityContext.runAsNonRoot = false;
    (spec.containers[0].securityContext as Record<string, unknown>).readOnlyRootFilesystem = false;
    const problems = intentProblems(objects);
    expect(problems).toMatch(/container provisioner: resources lack limits\.cpu, limits\.memory/);
    expect(problems).toMatch(/container provisioner: runAsNonRoot must be true/);
    expect(problems).toMatch(/container provisioner: readOnlyRootFilesystem must be true/);
  });

  it('a service account token mounted where the API is not used', () => {
    const objects = singleCluster();
    find(objects, 'Deployment', 'producer').spec.template.spec.automountServiceAccountToken = true;
    expect(intentProblems(objects)).toMatch(/automountServiceAccountToken must be false/);
  });

  it('an address that points at nothing deployed', () => {
    const objects = singleCluster();
    find(objects, 'ConfigMap', 'fault-runner-config').data.SOURCE_KAFKA_BROKERS = 'source-kafka-bootstrap.kafka.svc:9093';
    expect(intentProblems(objects)).toMatch(
      /fault-runner SOURCE_KAFKA_BROKERS=source-kafka-bootstrap\.kafka\.svc:9093: nothing by that name and port is deployed/,
    );
  });

  it('a Kafka cluster short of three controllers', () => {
    const objects = singleCluster();
    find(objects, 'KafkaNodePool', 'target-').spec.replicas = 1;
    expect(intentProblems(objects)).toMatch(/Kafka kafka\/target: has 1 KRaft controllers/);
  });
});

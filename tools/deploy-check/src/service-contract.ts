/**
 * What each mirrorlab service is, as far as deployment is concerned: its port and the
 * environment variables it reads (the services parse exactly these, by schema, at start).
 * A ConfigMap or Secret key outside this list is a setting that does nothing. The lists are
 * issue 6's contract plus the tuning variables the services' config.ts files define beyond
 * it (marked below); test-only variables are left out on purpose, so they cannot be deployed.
 */
export const KAFKA_VARIABLE_SUFFIXES = [
  'BROKERS',
  'SASL_MECHANISM',
  'SASL_USERNAME',
  'SASL_PASSWORD',
  'TLS',
  'TLS_CA_FILE',
  'TLS_CERT_FILE',
  'TLS_KEY_FILE',
  'TLS_REJECT_UNAUTHORIZED',
] as const;

/** Every service reads these (libs/service-kit commonEnv). */
export const COMMON_VARIABLES = ['PORT', 'HOST', 'LOG_LEVEL', 'INSTANCE_ID', 'API_TOKEN', 'SHUTDOWN_HOOK_TIMEOUT'] as const;

export type ServiceName = 'producer' | 'consumer-validator' | 'fault-runner' | 'provisioner' | 'report-aggregator' | 'consumer-groups';

export interface ServiceContract {
  name: ServiceName;
  port: number;
  /** Prefixes of the Kafka clusters it connects to; each brings the KAFKA_VARIABLE_SUFFIXES. */
  kafkaPrefixes: readonly string[];
  /** Its own variables, besides the common and Kafka ones. */
  variables: readonly string[];
  /** Whether it talks to the Kubernetes API (and so gets a service account token). */
  kubernetesApi: boolean;
}

export const SERVICES: readonly ServiceContract[] = [
  {
    name: 'producer',
    port: 8081,
    kafkaPrefixes: ['SOURCE_KAFKA', 'CONTROL_KAFKA'],
    variables: [
      ...['CONTROL_TOPIC', 'PRODUCER_ID', 'ACKS', 'IDEMPOTENT', 'COMPRESSION', 'MAX_BATCH_RECORDS', 'LINGER', 'PROGRESS_INTERVAL'],
      // services/producer/src/config.ts, beyond the contract.
      ...['BATCH_BYTES', 'REQUEST_TIMEOUT', 'SEND_RETRIES', 'PARTITION_CHECK_INTERVAL', 'PAYLOAD_DIR'],
    ],
    kubernetesApi: false,
  },
  {
    name: 'consumer-validator',
    port: 8082,
    kafkaPrefixes: ['TARGET_KAFKA', 'CONTROL_KAFKA'],
    variables: [
      ...['CONTROL_TOPIC', 'REPORT_INTERVAL'],
      // services/consumer-validator/src/config.ts, beyond the contract.
      ...[
        'VALIDATOR_ID',
        'GROUP_PREFIX',
        'MAX_EXAMPLES',
        'SESSION_TIMEOUT',
        'DRAIN_GRACE',
        'FETCH_MAX_BYTES',
        'FETCH_MAX_PARTITION_BYTES',
        'READ_ISOLATION',
      ],
    ],
    kubernetesApi: false,
  },
  {
    name: 'fault-runner',
    port: 8083,
    kafkaPrefixes: ['CONTROL_KAFKA', 'SOURCE_KAFKA', 'TARGET_KAFKA'],
    variables: [
      ...['REDIS_URL', 'FAULT_BACKEND', 'K8S_NAMESPACE'],
      // services/fault-runner/src/kubernetes/kubernetes-config.ts: the system under test's layout.
      ...[
        'K8S_SUT',
        'K8S_SOURCE_BROKER_SELECTOR',
        'K8S_TARGET_BROKER_SELECTOR',
        'K8S_REPLICATOR_SELECTOR',
        'K8S_SOURCE_BROKER_SET',
        'K8S_TARGET_BROKER_SET',
        'K8S_REPLICATOR_SET',
        'K8S_LINK_SOURCE_SELECTOR',
        'K8S_LINK_TARGET_SELECTOR',
      ],
    ],
    kubernetesApi: true,
  },
  {
    name: 'provisioner',
    port: 8084,
    kafkaPrefixes: ['SOURCE_KAFKA', 'TARGET_KAFKA', 'CONTROL_KAFKA'],
    variables: [
      ...['REDIS_URL', 'CONTROL_TOPIC', 'ORCHESTRATOR'],
      // services/provisioner/src/config.ts: the Deployments ORCHESTRATOR=kubernetes scales.
      ...['K8S_NAMESPACE', 'K8S_PRODUCER_DEPLOYMENT', 'K8S_VALIDATOR_DEPLOYMENT', 'K8S_CONSUMER_DEPLOYMENT'],
    ],
    kubernetesApi: true,
  },
  {
    name: 'report-aggregator',
    port: 8085,
    kafkaPrefixes: ['CONTROL_KAFKA'],
    variables: ['CONTROL_TOPIC', 'REPORTS_DIR'],
    kubernetesApi: false,
  },
  // services/consumer-groups/src/config.ts: the source consumer groups of the failover drill.
  {
    name: 'consumer-groups',
    port: 8086,
    kafkaPrefixes: ['SOURCE_KAFKA', 'TARGET_KAFKA', 'CONTROL_KAFKA'],
    variables: ['CONTROL_TOPIC', 'CONSUMER_ID', 'SESSION_TIMEOUT', 'TRANSLATION_INTERVAL', 'CHECKPOINTS_TOPIC_WAIT', 'DRAIN_GRACE'],
    kubernetesApi: false,
  },
];

export const SERVICE_NAMES: readonly ServiceName[] = SERVICES.map((s) => s.name);

export function serviceContract(name: string): ServiceContract | undefined {
  return SERVICES.find((s) => s.name === name);
}

/** Every variable the service reads. */
export function serviceVariables(s: ServiceContract): Set<string> {
  return new Set([...COMMON_VARIABLES, ...s.kafkaPrefixes.flatMap((p) => KAFKA_VARIABLE_SUFFIXES.map((x) => `${p}_${x}`)), ...s.variables]);
}

/** Variables without a default: the service does not start without them. */
export function requiredVariables(s: ServiceContract): string[] {
  return s.kafkaPrefixes.map((p) => `${p}_BROKERS`);
}

/** Values that belong in a Secret, never in a ConfigMap. */
export const isSecretVariable = (name: string): boolean => name === 'API_TOKEN' || name.endsWith('_SASL_PASSWORD');

/** Identity comes from the pod name: setting these would make every replica the same one. */
export const PER_REPLICA_VARIABLES = ['INSTANCE_ID', 'PRODUCER_ID', 'VALIDATOR_ID'] as const;

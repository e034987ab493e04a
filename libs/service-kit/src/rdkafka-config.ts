import type { KafkaConnection } from './kafka';

/** librdkafka global properties (string, number and boolean values), as @confluentinc/kafka-javascript takes them. */
export type RdkafkaConfig = Record<string, string | number | boolean>;

/**
 * librdkafka properties for a connection: brokers, SASL and TLS from the same env
 * settings as the kafkajs clients (KafkaConnection), so a cluster is configured once
 * whichever client talks to it. TLS files are passed by path (librdkafka reads them).
 */
export function rdkafkaConnectionConfig(conn: KafkaConnection, clientId: string): RdkafkaConfig {
  const tls = conn.tls;
  const sasl = conn.sasl;
  const protocol = sasl ? (tls ? 'sasl_ssl' : 'sasl_plaintext') : tls ? 'ssl' : 'plaintext';
  return {
    'bootstrap.servers': conn.brokers.join(','),
    'client.id': clientId,
    'security.protocol': protocol,
    ...(sasl ? { 'sasl.mechanisms': sasl.mechanism.toUpperCase(), 'sasl.username': sasl.username, 'sasl.password': sasl.password } : {}),
    ...(tls?.caFile ? { 'ssl.ca.location': tls.caFile } : {}),
    ...(tls?.certFile ? { 'ssl.certificate.location': tls.certFile } : {}),
    ...(tls?.keyFile ? { 'ssl.key.location': tls.keyFile } : {}),
    ...(tls
      ? {
          'enable.ssl.certificate.verification': tls.rejectUnauthorized,
          'ssl.endpoint.identification.algorithm': tls.rejectUnauthorized ? 'https' : 'none',
        }
      : {}),
  };
}

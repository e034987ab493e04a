import { rdkafkaConnectionConfig } from './rdkafka-config';

describe('rdkafkaConnectionConfig', () => {
  it('plaintext: brokers and client id only', () => {
    expect(rdkafkaConnectionConfig({ brokers: ['a:9092', 'b:9092'] }, 'c1')).toEqual({
      'bootstrap.servers': 'a:9092,b:9092',
      'client.id': 'c1',
      'security.protocol': 'plaintext',
    });
  });

  it('SASL over TLS with a CA and a client certificate', () => {
    const c = rdkafkaConnectionConfig(
      {
        brokers: ['a:9093'],
        sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' },
        tls: { caFile: '/ca.pem', certFile: '/c.pem', keyFile: '/k.pem', rejectUnauthorized: true },
      },
      'c1',
    );
    expect(c).toMatchObject({
      'security.protocol': 'sasl_ssl',
      'sasl.mechanisms': 'SCRAM-SHA-512',
      'sasl.username': 'u',
      'sasl.password': 'p',
      'ssl.ca.location': '/ca.pem',
      'ssl.certificate.location': '/c.pem',
      'ssl.key.location': '/k.pem',
      'enable.ssl.certificate.verification': true,
    });
  });

  it('TLS without verification, SASL without TLS', () => {
    expect(rdkafkaConnectionConfig({ brokers: ['a:1'], tls: { rejectUnauthorized: false } }, 'c')).toMatchObject({
      'security.protocol': 'ssl',
      'enable.ssl.certificate.verification': false,
      'ssl.endpoint.identification.algorithm': 'none',
    });
    expect(
      rdkafkaConnectionConfig({ brokers: ['a:1'], sasl: { mechanism: 'plain', username: 'u', password: 'p' } }, 'c')['security.protocol'],
    ).toBe('sasl_plaintext');
  });
});

import { addScramArgs, renderSaslBrokerProperties } from './sasl-broker';

const props = (text: string) =>
  Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

describe('the SASL test broker', () => {
  it('listens for clients on SASL_PLAINTEXT only, with the one SCRAM mechanism, and logs into itself with it', () => {
    const p = props(
      renderSaslBrokerProperties({
        dataDir: '/d',
        clientPort: 4000,
        controllerPort: 4001,
        mechanism: 'SCRAM-SHA-512',
        interBroker: { name: 'b', password: 'pw' },
      }),
    );
    expect(p).toMatchObject({
      'process.roles': 'broker,controller',
      listeners: 'SASL://127.0.0.1:4000,CONTROLLER://127.0.0.1:4001',
      'advertised.listeners': 'SASL://127.0.0.1:4000',
      'listener.security.protocol.map': 'SASL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name': 'SASL',
      'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
      'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
      'listener.name.sasl.scram-sha-512.sasl.jaas.config':
        'org.apache.kafka.common.security.scram.ScramLoginModule required username="b" password="pw";',
      'controller.quorum.voters': '1@127.0.0.1:4001',
      'offsets.topic.replication.factor': '1',
      'log.dirs': '/d',
    });
  });

  it('creates each user at format time, passwords quoted', () => {
    expect(
      addScramArgs('SCRAM-SHA-256', [
        { name: 'alice', password: 'a@b=c]' },
        { name: 'bob', password: 'x' },
      ]),
    ).toEqual(['--add-scram', 'SCRAM-SHA-256=[name=alice,password="a@b=c]"]', '--add-scram', 'SCRAM-SHA-256=[name=bob,password="x"]']);
    for (const password of ['say "hi"', 'a,b'])
      expect(() => addScramArgs('SCRAM-SHA-512', [{ name: 'a', password }])).toThrow(/passwords without quotes or commas/);
  });
});

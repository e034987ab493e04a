import * as protocol from './index';

test('the record format version is 2, also under its older name', () => {
  expect(protocol.RECORD_FORMAT_VERSION).toBe(2);
  expect(protocol.PROTOCOL_VERSION).toBe(2);
});

test('the public API works end to end: plan a key, encode, decode, parse the key back', () => {
  const plan = protocol.KeyPlan.build({ producerId: 'p-1', partitions: 3, keysPerPartition: 2, epoch: 0 });
  const payloads = protocol.randomPayloadSource({ size: 32, seed: 1 });
  const slot = plan.slotForRecord(7);
  const meta = { scenarioId: 's', producerId: 'p-1', keyEpoch: 0, seq: slot.seq, sendTimeUs: 1 };
  const result = protocol.decodeRecord(protocol.encodeRecord({ meta, key: slot.key, payload: payloads.next() }));
  expect(result.ok && protocol.KeyPlan.parseKey(result.record.key)).toEqual({ producerId: 'p-1', epoch: 0, keyIndex: 1 });
  expect(protocol.partitionForKey(slot.key, 3)).toBe(plan.partitionOfKey(slot.keyIndex));
});

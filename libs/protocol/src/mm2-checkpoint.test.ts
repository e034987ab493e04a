import { checkpointsTopic, decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './mm2-checkpoint';

const c: Checkpoint = {
  group: 'mirrorlab-s-1-g',
  topic: 'source.orders',
  partition: 3,
  upstreamOffset: 1234,
  downstreamOffset: 1200,
  metadata: '',
};

describe('checkpoint records', () => {
  it('decode what MirrorMaker 2 writes (bytes laid out by hand)', () => {
    const key = Buffer.from([0, 1, 0x67, 0, 1, 0x74, 0, 0, 0, 2]);
    const value = Buffer.from([0, 0, ...[0, 0, 0, 0, 0, 0, 0, 10], ...[0, 0, 0, 0, 0, 0, 0, 9], 0, 2, 0x6d, 0x64]);
    expect(decodeCheckpoint(key, value)).toEqual({
      ok: true,
      checkpoint: { group: 'g', topic: 't', partition: 2, upstreamOffset: 10, downstreamOffset: 9, metadata: 'md' },
    });
  });

  it('round-trip through the test encoder', () => {
    const { key, value } = encodeCheckpoint(c);
    expect(decodeCheckpoint(key, value)).toEqual({ ok: true, checkpoint: c });
  });

  it.each([
    [null, Buffer.alloc(20), 'key: missing'],
    [encodeCheckpoint(c).key, null, 'value: missing (a tombstone)'],
    [encodeCheckpoint(c).key.subarray(0, 20), encodeCheckpoint(c).value, 'key.topic: truncated'],
    [encodeCheckpoint(c).key, Buffer.from([0, 1, 0, 0]), 'value.version: 1, only 0 is known'],
    [encodeCheckpoint(c).key, encodeCheckpoint(c).value.subarray(0, 12), 'value.offset: truncated'],
    [
      encodeCheckpoint(c).key,
      Buffer.concat([Buffer.from([0, 0]), Buffer.alloc(8, 0xff), Buffer.alloc(8), Buffer.from([0, 0])]),
      'value.upstreamOffset: -1 is not an offset',
    ],
  ])('refuse malformed records with the field (%#)', (key, value, reason) => {
    const r = decodeCheckpoint(key, value);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(reason);
  });

  it('live in <alias>.checkpoints.internal', () => {
    expect(checkpointsTopic('source')).toBe('source.checkpoints.internal');
  });
});

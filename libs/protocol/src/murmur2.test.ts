import { KeyPlanError } from './errors';
import { murmur2, partitionForKey, toPositive } from './murmur2';

const bytes = (s: string) => new TextEncoder().encode(s);

// Expected values are what the Java client computes.
// Kafka clients UtilsTest.testMurmur2 (org.apache.kafka.common.utils):
const KAFKA_UTILS_TEST: ReadonlyArray<readonly [string, number]> = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
];

// kafkajs src/producer/partitioners/defaultJava/murmur2.spec.js, generated there
// with a Java program (Test.java); covers all four tail lengths.
const KAFKAJS_JAVA_COMPATIBLE: ReadonlyArray<readonly [string, number]> = [
  ['0', 971027396],
  ['1', -1993445489],
  ['128', -326012175],
  ['2187', -1508407203],
  ['16384', -325739742],
  ['78125', -1654490814],
  ['279936', 1462227128],
  ['823543', -2014198330],
  ['2097152', 607668903],
  ['4782969', -1182699775],
  ['10000000', -1830336757],
  ['19487171', -1603849305],
  ['35831808', -857013643],
  ['62748517', -1167431028],
  ['105413504', -381294639],
  ['170859375', -1658323481],
  ['100:48069', 1009543857],
];

// Multi-byte UTF-8 keys: computed with a transcription of Utils.murmur2 run on
// OpenJDK 17 over String.getBytes(UTF_8), and cross-checked against kafkajs
// 2.2.4's DefaultPartitioner murmur2; both agreed on every value.
const MULTI_BYTE_UTF8: ReadonlyArray<readonly [string, number, number]> = [
  // [key, murmur2, UTF-8 byte length]
  ['é', 186971271, 2],
  ['ü', 1419834458, 2],
  ['日本', -700811021, 6],
  ['日本語のキー', -734675706, 18],
  ['€uro', -1348700560, 6],
  ['naïve-café', -1120496400, 12],
  ['Ωmega/ρ', -936561056, 9],
  ['🦀', 1309741855, 4],
  ['key-🚀-x', -2065357399, 10],
  ['Ünïcödé-producer/7', -915695491, 22],
];

describe('murmur2', () => {
  test.each(KAFKA_UTILS_TEST)('%j hashes like Kafka UtilsTest', (key, expected) => {
    expect(murmur2(bytes(key))).toBe(expected);
  });

  test.each(KAFKAJS_JAVA_COMPATIBLE)('%j hashes like the Java-compatible kafkajs vectors', (key, expected) => {
    expect(murmur2(bytes(key))).toBe(expected);
  });

  test.each(MULTI_BYTE_UTF8)('multi-byte key %j hashes its UTF-8 bytes like Java', (key, expected, length) => {
    expect(bytes(key).length).toBe(length);
    expect(murmur2(bytes(key))).toBe(expected);
  });

  test('the empty key hashes like Java (seed ^ 0 through the final mix)', () => {
    expect(murmur2(new Uint8Array(0))).toBe(275646681);
  });

  test('returns signed 32-bit integers, like Java int', () => {
    for (const [key] of [...KAFKA_UTILS_TEST, ...KAFKAJS_JAVA_COMPATIBLE]) {
      const h = murmur2(bytes(key));
      expect(h | 0).toBe(h);
    }
  });
});

describe('toPositive', () => {
  test('clears the sign bit like Utils.toPositive, including for MIN_VALUE', () => {
    expect(toPositive(-973932308)).toBe(1173551340);
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(-1)).toBe(0x7fffffff);
    expect(toPositive(479470107)).toBe(479470107);
  });
});

describe('partitionForKey', () => {
  test('is toPositive(murmur2) mod partitions, as the Java DefaultPartitioner', () => {
    expect(partitionForKey('foobar', 50)).toBe(16);
    expect(partitionForKey('21', 12)).toBe(0);
    expect(partitionForKey('a-little-bit-longer-string', 12)).toBe(11);
    expect(partitionForKey('Ωmega/ρ', 100)).toBe(92);
    expect(partitionForKey('Ünïcödé-producer/7', 100)).toBe(57);
  });

  test('gives the same partition for a string and its UTF-8 bytes', () => {
    for (const [key] of MULTI_BYTE_UTF8) {
      expect(partitionForKey(key, 7)).toBe(partitionForKey(Buffer.from(key, 'utf8'), 7));
    }
  });

  test.each([0, -1, 1.5, Number.NaN, Infinity])('rejects %p partitions with a KeyPlanError', (partitions) => {
    expect(() => partitionForKey('k', partitions)).toThrow(KeyPlanError);
    expect(() => partitionForKey('k', partitions)).toThrow(expect.objectContaining({ code: 'invalid_partitions' }));
  });
});

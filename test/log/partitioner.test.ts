import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { murmur2, partitionForKey, toPositive } from '../../src/log/partitioner.js';

/**
 * The test oracle: Kafka's `Utils.murmur2` transcribed line by line from the Java source, with Java's
 * 32-bit int arithmetic spelled out in BigInt (every `*`, `+` and `<<` wraps to a signed 32-bit int, `>>>`
 * is an unsigned shift). Slow and obviously faithful, unlike the implementation under test.
 */
function javaMurmur2(data: Uint8Array): number {
  const int = (n: bigint): bigint => BigInt.asIntN(32, n);
  const ushr = (n: bigint, s: bigint): bigint => int(BigInt.asUintN(32, n) >> s);
  const length = data.length;
  const seed = int(0x9747b28cn);
  const m = int(0x5bd1e995n);
  const r = 24n;
  let h = int(seed ^ BigInt(length));
  const length4 = Math.floor(length / 4);
  const byte = (i: number): bigint => BigInt(data[i]! & 0xff);
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = int(byte(i4) + int(byte(i4 + 1) << 8n) + int(byte(i4 + 2) << 16n) + int(byte(i4 + 3) << 24n));
    k = int(k * m);
    k = int(k ^ ushr(k, r));
    k = int(k * m);
    h = int(h * m);
    h = int(h ^ k);
  }
  const base = length & ~3;
  // Java's `switch (length % 4)` falls through from case 3 to 2 to 1; spelled as ifs for our tsconfig.
  const rest = length % 4;
  if (rest === 3) h = int(h ^ int(byte(base + 2) << 16n));
  if (rest === 3 || rest === 2) h = int(h ^ int(byte(base + 1) << 8n));
  if (rest === 3 || rest === 2 || rest === 1) {
    h = int(h ^ byte(base));
    h = int(h * m);
  }
  h = int(h ^ ushr(h, 13n));
  h = int(h * m);
  h = int(h ^ ushr(h, 15n));
  return Number(h);
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

test('murmur2 gives the values asserted in Kafka’s own UtilsTest', () => {
  const cases: [string, number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
    ['1', -1993445489],
    ['12', 126087238],
    ['123', -267702483],
    ['1234', -1614185708],
    ['12345', -1188365604],
  ];
  for (const [key, expected] of cases) {
    assert.equal(murmur2(utf8(key)), expected, key);
    assert.equal(javaMurmur2(utf8(key)), expected, `oracle: ${key}`);
  }
});

test('the tickflow symbols land where the Java producer puts them', () => {
  // Computed with the oracle above (the Java algorithm) and pinned. Both symbols land on partition 1 of 3
  // in Kafka too: murmur2 does not spread two keys over three partitions the way one might hope.
  assert.equal(javaMurmur2(utf8('BTC')), 904285642);
  assert.equal(javaMurmur2(utf8('ETH')), -1495638463);
  assert.equal(murmur2(utf8('BTC')), 904285642);
  assert.equal(murmur2(utf8('ETH')), -1495638463);
  for (const [key, partitions] of [
    ['BTC', 3],
    ['ETH', 3],
    ['SOL', 3],
    ['BTC', 1],
    ['ETH', 7],
  ] as const) {
    assert.equal(partitionForKey(key, partitions), toPositive(javaMurmur2(utf8(key))) % partitions, key);
  }
  assert.equal(partitionForKey('BTC', 3), 1);
  assert.equal(partitionForKey('ETH', 3), 1);
});

test('murmur2 equals the Java transcription on arbitrary bytes, and partitions are in range', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => murmur2(bytes) === javaMurmur2(bytes)),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.integer({ min: 1, max: 100 }),
      (key, n) => {
        const p = partitionForKey(key, n);
        return Number.isInteger(p) && p >= 0 && p < n && p === toPositive(javaMurmur2(utf8(key))) % n;
      },
    ),
    { numRuns: 2000 },
  );
});

test('toPositive clears the sign bit like Kafka (not Math.abs)', () => {
  assert.equal(toPositive(-2147483648), 0);
  assert.equal(toPositive(-1), 2147483647);
  assert.equal(toPositive(5), 5);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { crc32, crc32Table } from '../../src/log/crc32.js';
import { checkFrame, decodeFrame, encodeBatch } from '../../src/log/record-codec.js';

test('crc32 is the IEEE CRC-32 (check value of "123456789"), table and native alike', () => {
  const check = Buffer.from('123456789');
  assert.equal(crc32Table(check), 0xcbf43926);
  assert.equal(crc32(check), 0xcbf43926);
  assert.equal(crc32Table(Buffer.alloc(0)), 0);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(300), (bytes, cut) => {
      const start = Math.min(cut, bytes.length);
      return crc32Table(bytes, start) === crc32(bytes, start);
    }),
  );
});

test('records survive encode and decode with keys, null keys, unicode and empty values', () => {
  const records = [
    { key: 'BTC', value: '{"p":1}' },
    { key: null, value: '' },
    { key: '', value: 'ümlaut € 🚀' },
  ];
  const { buffer, positions } = encodeBatch(records, 2 ** 40 + 7, 1_700_000_000_123);
  assert.equal(positions.length, 3);
  records.forEach((record, i) => {
    const frame = checkFrame(buffer, positions[i]!, buffer.length, true);
    assert.equal(frame.status, 'ok');
    assert.deepEqual(decodeFrame(buffer, positions[i]!), {
      offset: 2 ** 40 + 7 + i,
      timestamp: 1_700_000_000_123,
      ...record,
    });
  });
});

test('a cut frame is incomplete and a flipped bit is corrupt', () => {
  const { buffer } = encodeBatch([{ key: 'k', value: 'value' }], 0, 1);
  assert.equal(checkFrame(buffer, 0, buffer.length - 1, true).status, 'incomplete');
  assert.equal(checkFrame(buffer, 0, 3, true).status, 'incomplete');
  for (let i = 0; i < buffer.length; i++) {
    const damaged = Buffer.from(buffer);
    damaged[i]! ^= 0x10;
    const status = checkFrame(damaged, 0, damaged.length, true).status;
    assert.notEqual(status, 'ok', `bit flip at byte ${i} went unnoticed`);
  }
  const zeros = Buffer.alloc(64);
  assert.equal(checkFrame(zeros, 0, zeros.length, true).status, 'corrupt');
});

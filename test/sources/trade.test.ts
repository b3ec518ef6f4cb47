import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkTrade } from '../../src/sources/trade.js';

const FIELDS = { id: 't', price: 'p', size: 'q', time: 'T' };

test('checkTrade refuses a price of zero or over 1e15, and takes the range between', () => {
  const price = (p: string) => checkTrade('BTC', 1, p, '0.5', 1_700_000_000_000, FIELDS);
  assert.deepEqual(price('0'), { ok: false, reason: 'p: must be a decimal greater than 0' });
  assert.deepEqual(price('2000000000000000'), {
    ok: false,
    reason: 'p: must be at most 1e15: no asset is priced that high',
  });
  assert.equal(price('1000000000000000').ok, true);
  assert.equal(price('0.00000001').ok, true);
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SymbolDirectory } from '../../src/api/symbol-directory.js';
import type { Store } from '../../src/store/store.js';
import { type Api, T0, candle, commit, startApi } from './harness.js';

describe('SymbolDirectory', () => {
  let api: Api;
  before(async () => {
    api = await startApi();
    await commit(api.store, [candle({ symbol: 'SOL', windowStart: T0 })]);
  });
  after(() => api.close());

  /** The real store, counting its symbol reads. */
  const counted = (): { store: Store; reads: () => number } => {
    let reads = 0;
    const store = new Proxy(api.store, {
      get(target, name, receiver) {
        if (name === 'symbols') {
          return () => {
            reads++;
            return target.symbols();
          };
        }
        return Reflect.get(target, name, receiver) as unknown;
      },
    });
    return { store, reads: () => reads };
  };

  test('configured symbols are known without the store; others by the store', async () => {
    const { store, reads } = counted();
    const directory = new SymbolDirectory(['BTC'], store);
    assert.equal(await directory.isKnown('BTC'), true);
    assert.equal(reads(), 0);
    assert.equal(await directory.isKnown('SOL'), true);
    assert.equal(await directory.isKnown('NOPE'), false);
    assert.equal(reads(), 2, 'each later lookup reads afresh, so a new symbol is known at once');
  });

  test('a burst of lookups for unknown symbols shares one read of the store', async () => {
    const { store, reads } = counted();
    const directory = new SymbolDirectory(['BTC'], store);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => directory.isKnown(`NOPE${i}`)).concat(directory.isKnown('SOL')),
    );
    assert.equal(answers.filter(Boolean).length, 1);
    assert.equal(reads(), 1);
  });
});

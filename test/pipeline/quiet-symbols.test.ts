import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sec, T0, tick } from '../support/operator-harness.js';
import { waitFor } from '../support/wait.js';
import { type RunnerHarness, startRunner } from './runner-harness.js';

let h: RunnerHarness;
before(async () => {
  h = await startRunner({
    'commit-interval': '50ms',
    'idle-timeout': '1s',
    'out-of-orderness': '1s',
    intervals: '1m',
  });
});
after(() => h.close());

test(
  "a quiet symbol's last window closes after the idle timeout, while another symbol streams on",
  { timeout: 30_000 },
  async () => {
    // ETH trades once, 59 s into a window; BTC keeps trading every 20 ms, so no poll ever comes back empty.
    await h.send([tick({ symbol: 'ETH', ts: T0 + sec(59), price: 10 })]);
    let btc = 0;
    const stop = new AbortController();
    const stream = (async () => {
      while (!stop.signal.aborted) {
        await h.send([tick({ symbol: 'BTC', ts: T0 + 100 * btc++, price: 100 })]);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      // Idle for 1 s, ETH's clock follows the wall clock: W = T0 + 59 s + (idle time − 1 s) − 1 s − 1 ms
      // reaches the window's end − 1 ms = T0 + 60 s − 1 ms about 3 s after the tick arrived.
      const [eth] = await waitFor('the quiet ETH window to close', async () => {
        const candles = await h.store.candles({ symbol: 'ETH', interval: '1m', limit: 10 });
        return candles.length > 0 ? candles : undefined;
      });
      assert.deepEqual(eth && [eth.windowStart, eth.open, eth.close, eth.trades], [T0, 10, 10, 1]);
      assert.ok(btc > 50, 'BTC kept streaming all along');
    } finally {
      stop.abort();
      await stream;
    }
  },
);

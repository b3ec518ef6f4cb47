import { after, afterEach } from 'node:test';
import { silentLogger } from '../../src/logger.js';
import type { TradeStreamSource } from '../../src/sources/trade-stream.js';
import { type FakeExchange, startFakeExchange } from './fake-exchange.js';
import { collector } from './helpers.js';

/** What every exchange-stream test starts from: the fake's URLs, quick timeouts and a short backoff. */
export const quickStreamOptions = (fake: FakeExchange) => ({
  wsUrl: fake.wsUrl,
  restUrl: fake.restUrl,
  logger: silentLogger(),
  attempts: 3,
  timeoutMs: 1000,
  silenceMs: 2000,
  backoff: { baseMs: 10, maxMs: 100 },
});

export interface StreamSetup {
  readonly fake: FakeExchange;
  readonly source: TradeStreamSource;
  readonly out: ReturnType<typeof collector>;
}

/**
 * Registers the hooks that close each test's source after it and the fakes at the end, and returns a
 * `setup` that starts a fake exchange and a source built on it by `create`.
 */
export function streamFixture<O>(
  create: (fake: FakeExchange, overrides: O) => TradeStreamSource,
): (overrides?: O) => Promise<StreamSetup> {
  const fakes: FakeExchange[] = [];
  const sources: TradeStreamSource[] = [];
  afterEach(async () => {
    await Promise.all(sources.splice(0).map((s) => s.close()));
  });
  after(async () => {
    await Promise.all(fakes.map((f) => f.close()));
  });
  return async (overrides = {} as O) => {
    const fake = await startFakeExchange();
    fakes.push(fake);
    const source = create(fake, overrides);
    sources.push(source);
    return { fake, source, out: collector() };
  };
}

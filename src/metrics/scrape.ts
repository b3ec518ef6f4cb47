import { registry } from './metrics.js';

/** Sets gauges (and counters kept elsewhere) from live state just before a scrape. */
export type Sampler = () => void | Promise<void>;

const samplers = new Set<Sampler>();
/** A sampler that takes longer than this (a Redis that does not answer) is left out of the scrape. */
const SAMPLE_TIMEOUT_MS = 1_000;

/** Runs `sampler` before every scrape until the returned function removes it. */
export function addSampler(sampler: Sampler): () => void {
  samplers.add(sampler);
  return () => {
    samplers.delete(sampler);
  };
}

const bounded = async (sampler: Sampler): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, SAMPLE_TIMEOUT_MS);
  });
  try {
    await Promise.race([Promise.resolve().then(sampler), timeout]);
  } catch {
    // A sampler that fails leaves its metrics as they were; the part it samples reports its own errors.
  } finally {
    clearTimeout(timer);
  }
};

/** The Prometheus text exposition of every metric, after the samplers have run. */
export async function scrape(): Promise<{ contentType: string; body: string }> {
  await Promise.all([...samplers].map(bounded));
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/**
 * Feeds a counter from a running total kept elsewhere (e.g. a hub's messages sent), adding what the total
 * grew by since the last call.
 */
export function deltaFeeder(counter: { inc(by: number): void }): (total: number) => void {
  let last = 0;
  return (total) => {
    if (total > last) counter.inc(total - last);
    last = total;
  };
}

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
 * grew by since the last call, per label set. A total that went down (its owner was replaced) starts over.
 */
export function deltaFeeder(inc: (labels: Record<string, string>, by: number) => void) {
  const last = new Map<string, number>();
  return (total: number, labels: Record<string, string> = {}): void => {
    const key = JSON.stringify(labels);
    const before = last.get(key) ?? 0;
    last.set(key, total);
    const by = total >= before ? total - before : total;
    if (by > 0) inc(labels, by);
  };
}

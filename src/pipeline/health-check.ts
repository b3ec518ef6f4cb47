import { errorMessage } from '../errors.js';
import {
  type ComponentHealth,
  type ComponentStatus,
  type HealthReport,
  overallStatus,
} from '../domain/health.js';
import type { SourceStatus } from '../sources/source.js';

/** What a probe found when the part answered: its own status (default up) and a detail. */
export interface ProbeResult {
  readonly status: ComponentStatus;
  readonly detail: string;
}

/** A part whose health is a probe that resolves when it is up. */
export interface Probe {
  readonly name: string;
  readonly required: boolean;
  /**
   * Resolves when the part answers: with nothing (up), a detail (up, e.g. a lag) or a result that says
   * how it is doing; rejects when it is down.
   */
  check(): Promise<unknown>;
}

const PROBE_TIMEOUT_MS = 1_000;

const isProbeResult = (value: unknown): value is ProbeResult =>
  typeof value === 'object' && value !== null && 'status' in value && 'detail' in value;

/** The check each probe has running: a check that outlives its timeout is joined, never started again. */
const running = new WeakMap<Probe, Promise<unknown>>();

function check(p: Probe): Promise<unknown> {
  let pending = running.get(p);
  if (pending === undefined) {
    pending = p.check().finally(() => running.delete(p));
    running.set(p, pending);
  }
  return pending;
}

/**
 * A probe's health, waiting at most PROBE_TIMEOUT_MS. While a check that timed out is still running (a
 * store that accepts connections and never answers), later health reports join it rather than pile up
 * another query each.
 */
async function probe(p: Probe): Promise<ComponentHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`));
    }, PROBE_TIMEOUT_MS);
  });
  try {
    const result = await Promise.race([check(p), timeout]);
    if (typeof result === 'string') return { status: 'up', required: p.required, detail: result };
    if (isProbeResult(result)) return { ...result, required: p.required };
    return { status: 'up', required: p.required };
  } catch (err) {
    return { status: 'down', required: p.required, detail: errorMessage(err) };
  } finally {
    clearTimeout(timer);
  }
}

const sourceHealth = (s: SourceStatus): ComponentHealth => ({
  status: s.state === 'down' ? 'down' : 'up',
  required: false,
  detail: [
    s.state,
    s.lastError,
    s.gaps > 0 ? `${s.gaps} gaps` : null,
    s.rejected > 0 ? `${s.rejected} rejected` : null,
  ]
    .filter((x) => x !== null)
    .join('; '),
  lastSuccessAt: s.lastSuccessAt,
});

/**
 * Builds `GET /health`: each probe (log, store, cache) with a timeout, so a hung dependency cannot hang
 * the endpoint, and each source with its state and last success time. Sources are never required: the
 * system still serves history while a feed is down.
 */
export async function checkHealth(
  probes: readonly Probe[],
  sources: readonly SourceStatus[],
): Promise<HealthReport> {
  const results = await Promise.all(probes.map(async (p) => [p.name, await probe(p)] as const));
  const components: Record<string, ComponentHealth> = Object.fromEntries(results);
  for (const s of sources) components[`source:${s.name}`] = sourceHealth(s);
  return { status: overallStatus(components), components };
}

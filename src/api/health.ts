/** The state of one part of the pipeline, as `GET /health` shows it. */
export interface ComponentHealth {
  readonly status: 'up' | 'down';
  /** A required component that is down makes the whole service `down` (503). */
  readonly required: boolean;
  readonly detail?: string;
  /** When the component last did its job (a source's last successful poll), epoch ms; null if never. */
  readonly lastSuccessAt?: number | null;
}

export type HealthStatus = 'ok' | 'degraded' | 'down';

/** The body of `GET /health`; the pipeline builds it and hands the API a function returning it. */
export interface HealthReport {
  readonly status: HealthStatus;
  readonly components: Readonly<Record<string, ComponentHealth>>;
}

/** `down` when a required component is down, `degraded` when an optional one is, else `ok`. */
export function overallStatus(components: Readonly<Record<string, ComponentHealth>>): HealthStatus {
  const down = Object.values(components).filter((c) => c.status === 'down');
  if (down.some((c) => c.required)) return 'down';
  return down.length > 0 ? 'degraded' : 'ok';
}

/** Serving (200) unless the report says `down` or a required component is down (503). */
export const isServing = (report: HealthReport): boolean =>
  report.status !== 'down' && overallStatus(report.components) !== 'down';

/** The state of one part of the pipeline, as `GET /health` shows it. */
export type ComponentStatus = 'up' | 'degraded' | 'down';

export interface ComponentHealth {
  /** `degraded`: working, but falling behind or partly failing. */
  readonly status: ComponentStatus;
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

/** `down` when a required component is down, `degraded` when any other is not up, else `ok`. */
export function overallStatus(components: Readonly<Record<string, ComponentHealth>>): HealthStatus {
  const notUp = Object.values(components).filter((c) => c.status !== 'up');
  if (notUp.some((c) => c.required && c.status === 'down')) return 'down';
  return notUp.length > 0 ? 'degraded' : 'ok';
}

/** Serving (200) unless the report says `down` or a required component is down (503). */
export const isServing = (report: HealthReport): boolean =>
  report.status !== 'down' && overallStatus(report.components) !== 'down';

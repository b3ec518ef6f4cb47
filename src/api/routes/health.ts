import { errorMessage } from '../../errors.js';
import type { FastifyInstance } from 'fastify';
import { RETRY_AFTER_SECONDS } from '../api-errors.js';
import { type HealthReport, isServing } from '../../domain/health.js';
import type { RouteContext } from '../route-context.js';
import { errorResponse, healthResponse } from '../schemas.js';

/** The report to give when the health function itself fails or does not answer in time. */
const failedReport = (err: unknown): HealthReport => ({
  status: 'down',
  components: {
    health: {
      status: 'down',
      required: true,
      detail: `health check failed: ${errorMessage(err)}`,
    },
  },
});

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

/** `GET /health`: 200 while serving (`ok` or `degraded`), 503 when a required component is down. */
export function healthRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        summary: 'Overall and per-component status',
        response: {
          200: healthResponse,
          503: { anyOf: [healthResponse, errorResponse] },
          '4xx': errorResponse,
          '5xx': errorResponse,
        },
      },
    },
    async (_request, reply): Promise<HealthReport> => {
      let report: HealthReport;
      try {
        report = await withTimeout(ctx.deps.health(), ctx.healthTimeoutMs);
      } catch (err) {
        report = failedReport(err);
      }
      if (!isServing(report)) void reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS));
      return report;
    },
  );
}

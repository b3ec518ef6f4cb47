import type { FastifyInstance } from 'fastify';
import { badParam } from './api-errors.js';

const partsOf = (query: unknown, params: unknown): unknown[] => [query, params];

/**
 * Fastify's Ajv coerces `1e400` or `Infinity` to an infinite number and lets it past `maximum`; this
 * refuses any non-finite number in the query or path after validation, with the parameter's own rule.
 */
export function installFiniteNumberGuard(app: FastifyInstance): void {
  app.addHook('preHandler', (request, _reply, done) => {
    const rules = request.routeOptions.config.paramRules;
    if (rules === undefined) {
      done();
      return;
    }
    for (const part of partsOf(request.query, request.params)) {
      if (typeof part !== 'object' || part === null) continue;
      for (const [name, value] of Object.entries(part)) {
        if (typeof value === 'number' && !Number.isFinite(value)) {
          done(badParam(name, rules[name] ?? 'a finite number'));
          return;
        }
      }
    }
    done();
  });
}

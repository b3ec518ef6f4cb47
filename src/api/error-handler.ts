import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../error-codes.js';
import { isTickflowError } from '../errors.js';
import { type ErrorBody, RETRY_AFTER_SECONDS } from './api-errors.js';
import { REQUEST_ID_HEADER } from './request-id.js';
import { closeAfterAnswer } from './upgrade-guard.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Rule per parameter name ("limit" → "an integer from 1 to 5000"), used to word 400 messages. */
    paramRules?: Readonly<Record<string, string>>;
  }
}

interface Classified {
  readonly statusCode: number;
  readonly code: ErrorCode;
  readonly message: string;
}

const CODES_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  404: 'TF_NOT_FOUND',
  405: 'TF_METHOD_NOT_ALLOWED',
  406: 'TF_NOT_ACCEPTABLE',
  413: 'TF_PAYLOAD_TOO_LARGE',
  414: 'TF_URI_TOO_LONG',
  415: 'TF_UNSUPPORTED_MEDIA_TYPE',
  431: 'TF_HEADERS_TOO_LARGE',
};

interface AjvError {
  readonly instancePath?: string;
  readonly message?: string;
  readonly params?: { readonly missingProperty?: string };
}

/** "limit must be an integer from 1 to 5000": the parameter's own rule where the route declares one. */
function validationMessage(err: FastifyError, request: FastifyRequest): string {
  const first = (err.validation?.[0] ?? {}) as AjvError;
  const name = first.params?.missingProperty ?? first.instancePath?.split('/')[1] ?? '';
  if (name === '') return err.message;
  const rule = request.routeOptions.config.paramRules?.[name];
  if (rule !== undefined) return `${name} must be ${rule}`;
  return `${name} ${first.message ?? 'is not valid'}`;
}

function classify(err: unknown, request: FastifyRequest): Classified {
  if (isTickflowError(err)) {
    const statusCode = err.retriable && err.statusCode >= 500 ? 503 : err.statusCode;
    const message = statusCode === 500 ? 'internal server error' : err.message;
    return { statusCode, code: err.code, message };
  }
  const fe = err as Partial<FastifyError>;
  if (fe.validation !== undefined) {
    return {
      statusCode: 400,
      code: 'TF_INVALID_PARAM',
      message: validationMessage(fe as FastifyError, request),
    };
  }
  if (fe.code === 'FST_ERR_HANDLER_TIMEOUT') {
    return { statusCode: 503, code: 'TF_TIMEOUT', message: 'the request took too long; try again later' };
  }
  const status = fe.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = CODES_BY_STATUS[status] ?? 'TF_BAD_REQUEST';
    return { statusCode: status, code, message: fe.message ?? 'bad request' };
  }
  return { statusCode: 500, code: 'TF_INTERNAL', message: 'internal server error' };
}

function logError(err: unknown, c: Classified, request: FastifyRequest): void {
  if (c.statusCode === 500) request.log.error({ err }, 'unexpected error');
  else if (c.statusCode >= 500) request.log.debug({ err, code: c.code }, 'component unavailable');
  else request.log.debug({ code: c.code, message: c.message }, 'request refused');
}

/** Sends an error body; 503s and 429s carry `Retry-After` (5 s unless the refusal set its own). */
export function sendError(reply: FastifyReply, c: Classified): FastifyReply {
  if ((c.statusCode === 503 || c.statusCode === 429) && !reply.hasHeader('retry-after')) {
    void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  }
  const body: ErrorBody = { error: { code: c.code, message: c.message, statusCode: c.statusCode } };
  return reply.code(c.statusCode).send(body);
}

/**
 * Errors the router raises before any route or hook runs (a path parameter over the length limit, a
 * malformed URL), which Fastify would otherwise answer in its own format.
 */
export function frameworkError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  closeAfterAnswer(request.raw, reply.raw);
  void reply.header(REQUEST_ID_HEADER, request.id);
  const c = classify(err, request);
  logError(err, c, request);
  void sendError(reply, { ...c, message: c.message.slice(0, 200) });
}

/**
 * One place turns every failure into `{"error":{"code","message","statusCode"}}`: TickflowErrors keep
 * their code and status (a retriable 5xx becomes 503), validation errors become 400 naming the parameter,
 * unknown routes 404, anything else a logged 500 with a generic message.
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const c = classify(err, request);
    logError(err, c, request);
    return sendError(reply, c);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, {
      statusCode: 404,
      code: 'TF_NOT_FOUND',
      message: `no route ${request.method} ${(request.url.split('?')[0] ?? '').slice(0, 200)}`,
    }),
  );
}

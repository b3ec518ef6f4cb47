import { randomUUID } from 'node:crypto';
import { type IncomingMessage, STATUS_CODES, maxHeaderSize } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ConnectionError, FastifyInstance } from 'fastify';
import type { ErrorCode } from '../error-codes.js';
import type { Logger } from '../logger.js';
import type { ErrorBody } from './api-errors.js';
import { endConnection } from './close-connection.js';
import { REQUEST_ID_HEADER } from './request-id.js';

type Answer = ErrorBody['error'];

/** Node's parser errors carry llhttp's reason, e.g. "Invalid HTTP version". */
interface ParserError extends ConnectionError {
  readonly reason?: string;
}

const answer = (statusCode: number, code: ErrorCode, message: string): Answer => ({
  code,
  message,
  statusCode,
});

function answerFor(err: ParserError): Answer {
  switch (err.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return answer(408, 'TF_REQUEST_TIMEOUT', 'the request did not arrive in time');
    case 'HPE_HEADER_OVERFLOW':
      return answer(
        431,
        'TF_HEADERS_TOO_LARGE',
        `the request line and headers exceed ${maxHeaderSize} bytes`,
      );
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return answer(413, 'TF_PAYLOAD_TOO_LARGE', 'the chunk extensions are too large');
    case 'HPE_INVALID_METHOD':
      return answer(400, 'TF_BAD_REQUEST', 'unknown or malformed HTTP method');
    default: {
      const reason = (err.reason ?? err.code).replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase());
      return answer(400, 'TF_BAD_REQUEST', `malformed HTTP request: ${reason}`);
    }
  }
}

/** A complete HTTP/1.1 response in the usual error body, for a connection Fastify never sees. */
function rawAnswer(error: Answer, extraHeaders = ''): string {
  const body = JSON.stringify({ error } satisfies ErrorBody);
  return (
    `HTTP/1.1 ${error.statusCode} ${STATUS_CODES[error.statusCode] ?? ''}\r\n` +
    `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `${REQUEST_ID_HEADER}: ${randomUUID()}\r\n${extraHeaders}Connection: close\r\n\r\n${body}`
  );
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser rejects (a malformed request line or
 * header, an unknown method, headers over the size limit, a request that never completes) is answered in
 * `{"error":{"code","message","statusCode"}}` instead of Fastify's own body, and its connection closed.
 */
export function clientErrorHandler(logger: Logger): (err: ConnectionError, socket: Duplex) => void {
  return (err, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const refusal = answerFor(err);
    logger.debug({ code: refusal.code, cause: err.code }, 'malformed request refused');
    endConnection(socket, rawAnswer(refusal));
  };
}

/**
 * `CONNECT` (tunnelling) is not served: Node hands such a request to the server's `connect` listeners, or
 * drops it without an answer when there is none; this answers 405 in the usual error body.
 */
export function refuseConnect(app: FastifyInstance): void {
  app.server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    const refusal = answer(405, 'TF_METHOD_NOT_ALLOWED', 'CONNECT is not supported');
    endConnection(socket, rawAnswer(refusal, 'Allow: GET, HEAD, OPTIONS\r\n'));
  });
}

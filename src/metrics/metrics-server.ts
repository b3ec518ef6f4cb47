import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { scrape } from './scrape.js';

/**
 * The `--metrics-port` server of a process without the API (`ingest`, `process`): `GET /metrics` answers
 * the Prometheus text format; anything else is 404. It serves nothing else, so it needs no framework.
 */
export class MetricsServer {
  readonly #server: Server;

  constructor() {
    this.#server = createServer((request, response) => {
      const path = (request.url ?? '').split('?')[0];
      if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics is served here\n');
        return;
      }
      scrape().then(
        ({ contentType, body }) => {
          response.writeHead(200, { 'content-type': contentType }).end(body);
        },
        () => {
          response
            .writeHead(500, { 'content-type': 'text/plain' })
            .end('the metrics could not be collected\n');
        },
      );
    });
  }

  listen(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
  }

  /** The port it listens on (the one the OS chose for port 0). */
  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) =>
      this.#server.close(() => {
        resolve();
      }),
    );
  }
}

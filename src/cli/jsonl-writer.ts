import { once } from 'node:events';
import type { Writable } from 'node:stream';

/**
 * Buffers JSONL lines and writes them in large chunks, waiting when the stream asks it to. A write error
 * (a full disk, say) is kept and thrown by the next flush or end, never left as an unhandled event.
 */
export class JsonlWriter {
  private buffer: string[] = [];
  private size = 0;
  private failure: Error | undefined;

  constructor(
    private readonly stream: Writable,
    private readonly chunkSize = 64 * 1024,
  ) {
    stream.on('error', (err) => {
      this.failure ??= err;
    });
  }

  /** Queues a line; call `flushIfFull()` from the async side to let it drain. */
  write(value: unknown): void {
    const line = JSON.stringify(value) + '\n';
    this.buffer.push(line);
    this.size += line.length;
  }

  async flushIfFull(): Promise<void> {
    if (this.size >= this.chunkSize) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    if (this.buffer.length === 0) return;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.size = 0;
    // `once` rejects when the stream emits 'error' while waiting for 'drain'.
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async end(): Promise<void> {
    await this.flush();
    if (this.stream === process.stdout || this.stream === process.stderr) return;
    // The callback of end() gets the error of a write that failed at the end (ENOSPC, say).
    await new Promise<void>((resolve, reject) => {
      this.stream.end((err?: Error | null) => {
        if (err) reject(err);
        else resolve();
      });
    });
  }
}

import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Buffers JSONL lines and writes them in large chunks, waiting when the stream asks it to. */
export class JsonlWriter {
  private buffer: string[] = [];
  private size = 0;

  constructor(
    private readonly stream: Writable,
    private readonly chunkSize = 64 * 1024,
  ) {}

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
    if (this.buffer.length === 0) return;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.size = 0;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async end(): Promise<void> {
    await this.flush();
    if (this.stream === process.stdout || this.stream === process.stderr) return;
    await new Promise<void>((resolve, reject) => {
      this.stream.once('error', reject);
      this.stream.end(resolve);
    });
  }
}

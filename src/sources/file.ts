import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { TickLineDecoder } from '../domain/tick-lines.js';
import type { Tick } from '../domain/tick.js';
import { epochMs } from '../domain/time.js';
import { readWholeLines } from '../io/read-lines.js';
import type { Logger } from '../logger.js';
import type { Source, SourceStatus, TickSink } from './source.js';
import { errorMessage } from '../errors.js';
import { StatusTracker } from './source-status.js';

export interface FileSourceOptions {
  /** A JSONL tick file, in the line format of `tickflow replay`. */
  readonly path: string;
  readonly logger: Logger;
  /** Receipt time of lines without `received_at`. */
  readonly clock?: () => number;
  /** Ticks per sink call (default 1000). */
  readonly batchSize?: number;
  /** Invalid lines logged one by one before the rest are only counted (default 100). */
  readonly logLimit?: number;
}

/**
 * Replays a JSONL tick file into the sink in batches. Each line is validated as `tickflow replay` does; an
 * invalid line is counted as rejected and logged with its line number. At the end of the file the state is
 * `stopped` and `done` resolves; a file that cannot be read leaves the state `down` with the error.
 */
export class FileSource implements Source {
  readonly name = 'file';
  /** Resolves when the whole file has been handed to the sink, or reading stopped (close, error). */
  readonly done: Promise<void>;
  private readonly tracker = new StatusTracker('file');
  private readonly controller = new AbortController();
  private readonly clock: () => number;
  private finish: () => void = () => undefined;
  private started = false;
  private lines = 0;
  private ticks = 0;

  constructor(private readonly options: FileSourceOptions) {
    this.clock = options.clock ?? Date.now;
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  start(sink: TickSink): Promise<void> {
    if (!this.started) {
      this.started = true;
      void this.run(sink).finally(this.finish);
    }
    return Promise.resolve();
  }

  status(): SourceStatus {
    return this.tracker.snapshot();
  }

  async close(): Promise<void> {
    this.controller.abort();
    if (this.started) await this.done;
    this.tracker.stopped();
  }

  private async run(sink: TickSink): Promise<void> {
    const { path, logger } = this.options;
    let input: Readable;
    try {
      input = await open(path);
    } catch (err) {
      this.tracker.down(`cannot read ${path}: ${errorMessage(err)}`);
      logger.error({ path, err: errorMessage(err) }, 'file source cannot read its input');
      return;
    }
    try {
      await this.replay(input, sink);
      logger.info(
        { path, lines: this.lines, ticks: this.ticks, invalid: this.tracker.snapshot().rejected },
        'file replayed',
      );
      this.tracker.stopped();
    } catch (err) {
      this.tracker.down(`${path} line ${this.lines + 1}: ${errorMessage(err)}`);
      logger.error({ path, line: this.lines + 1, err: errorMessage(err) }, 'file source stopped');
    } finally {
      input.destroy();
    }
  }

  private async replay(input: Readable, sink: TickSink): Promise<void> {
    const batchSize = this.options.batchSize ?? 1000;
    let decoded: Tick[] = [];
    const decoder = new TickLineDecoder({
      tick: (tick) => decoded.push(tick),
      invalid: (lineNo, reason) => {
        this.invalid(lineNo, reason);
      },
    });
    const closing = (): boolean => this.controller.signal.aborted;
    for await (const piece of readWholeLines(input)) {
      if (closing()) break;
      this.lines += Buffer.isBuffer(piece)
        ? decoder.decode(piece, this.lines + 1, epochMs(this.clock()))
        : decoder.overlong(this.lines + 1, piece.limit);
      const ticks = decoded;
      decoded = [];
      for (let i = 0; i < ticks.length && !closing(); i += batchSize) {
        const batch = ticks.slice(i, i + batchSize);
        await sink(batch);
        this.ticks += batch.length;
        this.tracker.succeeded(this.clock());
      }
    }
  }

  private invalid(lineNo: number, reason: string): void {
    this.tracker.reject();
    this.tracker.noteError(`line ${lineNo}: ${reason}`);
    const count = this.tracker.snapshot().rejected;
    const limit = this.options.logLimit ?? 100;
    if (count <= limit)
      this.options.logger.warn({ path: this.options.path, line: lineNo, reason }, 'invalid tick line');
    if (count === limit) this.options.logger.warn({ limit }, 'further invalid lines are counted, not logged');
  }
}

/** Opens the file and waits until it is readable, so a missing file fails here. */
async function open(path: string): Promise<Readable> {
  const stream = createReadStream(path);
  await new Promise<void>((resolve, reject) => {
    stream.once('readable', resolve);
    stream.once('error', reject);
  });
  return stream;
}

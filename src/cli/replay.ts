import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { loadConfig } from '../config/load-config.js';
import { alertToJson } from '../domain/alert.js';
import { candleToJson } from '../domain/candle.js';
import { TickLineDecoder } from '../domain/tick-lines.js';
import { type EventTimeBound, tickToJson } from '../domain/tick.js';
import { epochMs } from '../domain/time.js';
import { TickflowError, errorMessage } from '../errors.js';
import { readWholeLines } from '../io/read-lines.js';
import { createOperator } from '../pipeline/create-operator.js';
import { type CommandOption, helpText, parseCommandArgs } from './args.js';
import { ProgressLine } from './progress-line.js';
import { JsonlWriter } from './jsonl-writer.js';

export interface CommandIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

const OPTIONS: readonly CommandOption[] = [
  { flag: 'input', value: 'FILE', doc: 'JSONL ticks to replay, in log order ("-" for stdin); required' },
  { flag: 'alerts', value: 'FILE', doc: 'write the anomaly alerts there as JSONL' },
  { flag: 'late', value: 'FILE', doc: 'write the late-data side output there as JSONL' },
  {
    flag: 'now',
    value: 'MS',
    doc: 'receipt time (epoch ms) assumed for lines without received_at; default: when the replay starts',
  },
];

const USAGE =
  'tickflow replay --input ticks.jsonl [--intervals 1m,5m,15m] [--out-of-orderness 10s] [--alerts alerts.jsonl] > candles.jsonl';

/** Opens the input and waits until it is readable, so a missing file is reported before any output. */
async function openInput(path: string, stdin: Readable): Promise<Readable> {
  if (path === '-') return stdin;
  const stream = createReadStream(path, { highWaterMark: 1 << 18 });
  await new Promise<void>((resolve, reject) => {
    stream.once('readable', resolve);
    stream.once('error', reject);
  });
  return stream;
}

/** Opens `--alerts` or `--late` for writing before any tick is read, so a path that cannot be written fails at once. */
async function openOutput(path: string | undefined): Promise<JsonlWriter | null> {
  if (path === undefined) return null;
  const file = await open(path, 'w');
  return new JsonlWriter(file.createWriteStream());
}

/** `--now`, or the wall clock when it is absent: no tick in a file can have been observed after it. */
function referenceTime(now: string | undefined) {
  if (now === undefined) return epochMs(Date.now());
  const ms = Number(now);
  if (!/^\d+$/.test(now) || !Number.isSafeInteger(ms)) {
    throw new TickflowError('TF_USAGE', `--now: "${now}" is not integer epoch milliseconds`);
  }
  return epochMs(ms);
}

/**
 * `tickflow replay`: the processor, as a deterministic batch over a file. Candles go to stdout as JSONL;
 * invalid lines and the final counts go to stderr. Exit status: 0, 1 when the input cannot be read or an
 * output cannot be written, 2 for bad usage.
 */
export async function replayCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const say = (line: string): boolean => io.stderr.write(`${line}\n`);
  let args;
  let config;
  let bound: EventTimeBound;
  try {
    args = parseCommandArgs(argv, 'replay', OPTIONS);
    if (args.help) {
      io.stdout.write(`${helpText('replay', USAGE, OPTIONS)}\n`);
      return 0;
    }
    config = loadConfig({ flags: args.flags });
    if (args.options['input'] === undefined) throw new TickflowError('TF_USAGE', '--input is required');
    bound = { horizonMs: config.settings.futureHorizon, reference: referenceTime(args.options['now']) };
  } catch (err) {
    say(`replay: ${errorMessage(err)}\nusage: ${USAGE}`);
    return 2;
  }

  let input: Readable;
  try {
    input = await openInput(args.options['input'], io.stdin);
  } catch (err) {
    say(`replay: cannot read input: ${errorMessage(err)}`);
    return 1;
  }

  const candles = new JsonlWriter(io.stdout);
  let alerts: JsonlWriter | null;
  let late: JsonlWriter | null;
  try {
    alerts = await openOutput(args.options['alerts']);
    late = await openOutput(args.options['late']);
  } catch (err) {
    say(`replay: cannot write the output: ${errorMessage(err)}`);
    return 1;
  }
  const operator = createOperator(config, {
    candle: (c) => {
      candles.write(candleToJson(c));
    },
    alert: (a) => alerts?.write(alertToJson(a)),
    late: (l) =>
      late?.write({
        ...tickToJson(l.tick),
        interval: l.interval,
        window_start: l.windowStart,
        accepted: l.accepted,
      }),
  });

  let lines = 0;
  let invalid = 0;
  const progress = new ProgressLine(io.stderr, 'replay');
  const decoder = new TickLineDecoder({
    tick: (tick) => {
      operator.process(tick);
    },
    invalid: (lineNo, reason) => {
      invalid++;
      progress.done();
      say(`line ${lineNo}: ${reason}`);
    },
  });
  let writing = false;
  try {
    for await (const piece of readWholeLines(input)) {
      lines += Buffer.isBuffer(piece)
        ? decoder.decode(piece, lines + 1, null, bound)
        : decoder.overlong(lines + 1, piece.limit);
      progress.update(lines);
      writing = true;
      await candles.flushIfFull();
      await alerts?.flushIfFull();
      await late?.flushIfFull();
      writing = false;
    }
  } catch (err) {
    progress.done();
    say(
      writing
        ? `replay: cannot write the output: ${errorMessage(err)}`
        : `replay: cannot read input at line ${lines + 1}: ${errorMessage(err)}`,
    );
    return 1;
  }
  progress.done();
  operator.flush();
  try {
    await Promise.all([candles.end(), alerts?.end(), late?.end()]);
  } catch (err) {
    say(`replay: cannot write the output: ${errorMessage(err)}`);
    return 1;
  }

  const s = operator.stats;
  say(
    `replay: ${lines} lines, ${s.ticks} ticks, ${invalid} invalid, ${s.duplicates} duplicates, ` +
      `${s.lateTicks} late (${s.droppedTicks} dropped), ${s.candles} candles` +
      (s.candleUpdates > 0 ? ` (+${s.candleUpdates} updates)` : '') +
      `, ${s.alerts} alerts`,
  );
  return 0;
}

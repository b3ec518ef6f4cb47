import { errorMessage } from '../errors.js';
import type { CommandName } from '../config/commands.js';
import type { Config } from '../config/load-config.js';
import { loadConfig } from '../config/load-config.js';
import { type OffsetReset, OFFSET_RESETS } from '../log/log.js';
import { createLogger, type Logger } from '../logger.js';
import { collectProcessMetrics } from '../metrics/metrics.js';
import { closeAll, signalExitCode, stopRequested } from './shutdown.js';
import { type CommandOption, helpText, parseCommandArgs } from './args.js';
import type { CommandIo } from './replay.js';

/** A long-running part: started in order, closed in reverse order. */
export interface Part {
  readonly name: string;
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface ServiceContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: () => number;
  /** `--reset-to`: discard the processor checkpoints and start from this end of the log. */
  readonly resetTo?: OffsetReset;
}

export interface ServiceSpec {
  /** Its name, which also says which settings it reads (`usedBy` in the schema) and its summary. */
  readonly command: Exclude<CommandName, 'replay'>;
  /** The command's own options, beside the settings. */
  readonly options?: readonly CommandOption[];
  /** Builds the parts, in start order, and the one line printed once they all run. */
  build(ctx: ServiceContext): Promise<{ parts: Part[]; banner: () => string }>;
}

/** `--reset-to`, for the commands that run the processor. */
export const RESET_TO_OPTION: CommandOption = {
  flag: 'reset-to',
  value: OFFSET_RESETS.join('|'),
  doc: 'discard the processor checkpoints and rebuild its state from the oldest record, or start at the newest',
  choices: OFFSET_RESETS,
};

const isOffsetReset = (value: string | undefined): value is OffsetReset =>
  (OFFSET_RESETS as readonly (string | undefined)[]).includes(value);

/**
 * Runs a service command: validates the config once, starts the parts in order, prints one line saying
 * what runs where, and on SIGINT or SIGTERM closes them in reverse order (sources stop, the processor
 * flushes and checkpoints, connections close) and exits 0; 1 when a part fails to close or misses the
 * shutdown deadline. Asked again (a second signal, a second after the first), it exits at once. A part
 * that fails to start stops the ones already running and exits 1 with the error.
 */
export async function runService(spec: ServiceSpec, argv: readonly string[], io: CommandIo): Promise<number> {
  let config: Config;
  let resetTo: string | undefined;
  const options = spec.options ?? [];
  try {
    const args = parseCommandArgs(argv, spec.command, options);
    if (args.help) {
      const usage = `tickflow ${spec.command} ${options.length > 0 ? '[options] ' : ''}[settings]`;
      io.stdout.write(`${helpText(spec.command, usage, options)}\n`);
      return 0;
    }
    config = loadConfig({ flags: args.flags });
    resetTo = args.options[RESET_TO_OPTION.flag];
  } catch (err) {
    io.stderr.write(`tickflow ${spec.command}: ${errorMessage(err)}\n`);
    return 2;
  }
  const logger = createLogger(config.settings.logLevel).child({ command: spec.command });
  /** The service's own lines (start, stop); each part logs under its own component. */
  const log = logger.child({ component: 'service' });
  collectProcessMetrics();
  const ctx: ServiceContext = {
    config,
    logger,
    clock: Date.now,
    ...(isOffsetReset(resetTo) ? { resetTo } : {}),
  };
  const started: Part[] = [];
  try {
    const { parts, banner } = await spec.build(ctx);
    for (const part of parts) {
      await part.start();
      started.push(part);
      log.debug({ part: part.name }, 'started');
    }
    io.stdout.write(`${banner()}\n`);
  } catch (err) {
    log.error({ err }, 'failed to start');
    io.stderr.write(`tickflow ${spec.command}: failed to start: ${errorMessage(err)}\n`);
    await closeAll(started, log, config.settings.shutdownTimeout);
    return 1;
  }
  const signal = await stopRequested((again) => {
    log.warn({ signal: again }, 'asked again to stop: exiting now, without finishing the shutdown');
    process.exit(signalExitCode(again));
  });
  const deadlineMs = config.settings.shutdownTimeout;
  log.info({ signal, deadlineMs }, 'shutting down');
  const clean = await closeAll(started, log, deadlineMs);
  log.info('stopped');
  // A part that missed the deadline may still hold the event loop open, so the exit is not left to it.
  if (!clean) process.exit(1);
  return 0;
}

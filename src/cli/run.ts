import { replayCommand, type CommandIo } from './replay.js';

const USAGE = `usage: tickflow <command> [options]

commands:
  start    run the whole pipeline in one process (sources, log, processor, store, cache, API)
  ingest   run the sources and append ticks to the log
  process  run the stream processor on the log
  serve    run the REST + WebSocket API and dashboard
  replay   run the processor over a JSONL file, deterministically, and print the closed candles

Run "tickflow <command> --help" for a command's options and settings.`;

const SERVICES = new Set(['start', 'ingest', 'process', 'serve']);

export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'replay') return replayCommand(rest, io);
  if (command !== undefined && SERVICES.has(command)) {
    // The services load their servers' clients (Kafka, PostgreSQL, Redis, the HTTP framework) only when
    // one of them runs, so a replay starts without them.
    const [commands, { runService }] = await Promise.all([import('./commands.js'), import('./service.js')]);
    const service = {
      start: commands.startCommand,
      ingest: commands.ingestCommand,
      process: commands.processCommand,
      serve: commands.serveCommand,
    }[command];
    if (service !== undefined) return runService(service, rest, io);
  }
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  io.stderr.write(`tickflow: unknown command "${command}"\n${USAGE}\n`);
  return 2;
}

import { replayCommand, type CommandIo } from './replay.js';
import { usage } from './usage.js';
import { version } from './version.js';

const SERVICES = new Set(['start', 'ingest', 'process', 'serve']);

/**
 * `tickflow <command> ...`. Exit status: what the command returns; 0 for `--help` and `--version`; 2 for
 * a missing or unknown command, with the usage on stderr.
 */
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
  if (command === 'help' || command === '--help' || command === '-h') {
    io.stdout.write(`${usage()}\n`);
    return 0;
  }
  if (command === '--version' || command === '-v') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  const problem =
    command === undefined
      ? 'no command given'
      : `unknown ${command.startsWith('-') ? 'option' : 'command'} "${command}"`;
  io.stderr.write(`tickflow: ${problem}\n${usage()}\n`);
  return 2;
}

import type { CommandName } from '../config/commands.js';

/** What each command does, in one line: the first line of its `--help` and its line in the usage. */
export const SUMMARIES: Readonly<Record<CommandName, string>> = {
  start: 'Runs the whole pipeline in one process: sources, log, processor, store, cache, API and dashboard.',
  ingest: 'Runs the sources and appends their ticks to the log.',
  process: 'Runs the stream processor on the log, writing candles and alerts to the store and the cache.',
  serve: 'Runs the REST + WebSocket API and the dashboard.',
  replay: 'Runs the processor over a JSONL file of ticks, deterministically, and prints the closed candles.',
};

/** `tickflow` without a command, or with `--help`: the commands, each with its summary. */
export function usage(): string {
  const names = Object.keys(SUMMARIES) as CommandName[];
  const width = Math.max(...names.map((n) => n.length)) + 2;
  return [
    'usage: tickflow <command> [options]',
    '',
    'commands:',
    ...names.map((n) => `  ${n.padEnd(width)}${SUMMARIES[n]}`),
    '',
    'Run "tickflow <command> --help" for its options and settings, "tickflow --version" for the version.',
  ].join('\n');
}

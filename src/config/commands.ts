/** The `tickflow` commands that read settings. */
export const COMMANDS = ['start', 'ingest', 'process', 'serve', 'replay'] as const;
export type CommandName = (typeof COMMANDS)[number];

/**
 * The commands that run each part of the pipeline. A setting names the commands that read it, most often
 * as the part it configures: `usedBy: USED_BY.api` is read wherever the API runs.
 */
export const USED_BY = {
  /** Every long-running command: logging and the graceful stop. */
  services: ['start', 'ingest', 'process', 'serve'],
  sources: ['start', 'ingest'],
  log: ['start', 'ingest', 'process'],
  /** The log's consumer group, which only the processor joins. */
  group: ['start', 'process'],
  processor: ['start', 'process'],
  store: ['start', 'process', 'serve'],
  api: ['start', 'serve'],
  /** The window operator and anomaly rules, live or over a file. */
  engine: ['start', 'process', 'replay'],
} as const satisfies Record<string, readonly CommandName[]>;

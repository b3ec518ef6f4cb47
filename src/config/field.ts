import type { CommandName } from './commands.js';

/** One setting: its env var, its CLI flag, the commands that read it, its default and how to parse it. */
export interface Field<T> {
  /** Environment variable, e.g. `TICKFLOW_INTERVALS`. */
  readonly env: string;
  /** Long flag without dashes, e.g. `intervals` for `--intervals`. */
  readonly flag: string;
  /** The commands that read it: only these take its flag and list it in their `--help`. */
  readonly usedBy: readonly CommandName[];
  /** The default, spelled as a user would type it. */
  readonly default: string;
  readonly doc: string;
  /** Parses the raw text; a string result is the reason it is invalid. */
  readonly parse: (raw: string) => { readonly value: T } | string;
}

export const field = <T>(spec: Field<T>): Field<T> => spec;

export const ok = <T>(value: T): { readonly value: T } => ({ value });

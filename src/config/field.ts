/** One setting: its env var, its CLI flag, its default and how to parse it. */
export interface Field<T> {
  /** Environment variable, e.g. `TICKFLOW_INTERVALS`. */
  readonly env: string;
  /** Long flag without dashes, e.g. `intervals` for `--intervals`. */
  readonly flag: string;
  /** The default, spelled as a user would type it. */
  readonly default: string;
  readonly doc: string;
  /** Parses the raw text; a string result is the reason it is invalid. */
  readonly parse: (raw: string) => { readonly value: T } | string;
}

export const field = <T>(spec: Field<T>): Field<T> => spec;

export const ok = <T>(value: T): { readonly value: T } => ({ value });

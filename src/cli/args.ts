import { parseArgs } from 'node:util';
import { SCHEMA } from '../config/schema.js';
import { InvalidInputError, errorMessage } from '../errors.js';

/** A command's own options, beside the shared settings of the schema. */
export interface CommandOption {
  readonly flag: string;
  readonly value: string;
  readonly doc: string;
  /** The only values the option takes, when it is a choice. */
  readonly choices?: readonly string[];
}

export interface ParsedArgs {
  /** Setting flags, for loadConfig. */
  readonly flags: Readonly<Record<string, string>>;
  /** The command's own options. */
  readonly options: Readonly<Record<string, string>>;
  readonly help: boolean;
}

/** Parses `--flag value` arguments: the schema's settings plus the command's own options. */
export function parseCommandArgs(argv: readonly string[], own: readonly CommandOption[]): ParsedArgs {
  const spec: Record<string, { type: 'string' } | { type: 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const f of Object.values(SCHEMA)) spec[f.flag] = { type: 'string' };
  for (const o of own) spec[o.flag] = { type: 'string' };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: spec, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new InvalidInputError('TF_USAGE', 'arguments', errorMessage(err));
  }
  const flags: Record<string, string> = {};
  const options: Record<string, string> = {};
  const ownFlags = new Set(own.map((o) => o.flag));
  for (const [key, value] of Object.entries(values)) {
    if (typeof value !== 'string') continue;
    (ownFlags.has(key) ? options : flags)[key] = value;
  }
  for (const o of own) {
    const value = options[o.flag];
    if (value !== undefined && o.choices !== undefined && !o.choices.includes(value)) {
      throw new InvalidInputError(
        'TF_USAGE',
        `--${o.flag}`,
        `must be ${o.choices.join(' or ')}, not "${value}"`,
      );
    }
  }
  return { flags, options, help: values['help'] === true };
}

/** `--help` text: the command's options, then every setting with its env var and default. */
export function helpText(usage: string, own: readonly CommandOption[]): string {
  const lines = [`usage: ${usage}`, ''];
  if (own.length > 0) {
    lines.push('options:');
    for (const o of own) lines.push(`  --${o.flag} ${o.value}`.padEnd(34) + o.doc);
    lines.push('');
  }
  lines.push('settings (flag, env var, default):');
  for (const f of Object.values(SCHEMA)) {
    lines.push(`  --${f.flag}`.padEnd(34) + f.doc);
    lines.push(''.padEnd(34) + `env ${f.env}, default ${f.default}`);
  }
  return lines.join('\n');
}

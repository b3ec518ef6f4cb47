import { parseArgs } from 'node:util';
import type { CommandName } from '../config/commands.js';
import { SCHEMA, settingsOf } from '../config/schema.js';
import { InvalidInputError, TickflowError, errorMessage } from '../errors.js';
import { SUMMARIES } from './usage.js';

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

type Spec = Record<string, { type: 'string' } | { type: 'boolean'; short?: string }>;

const SETTING_FLAGS: ReadonlySet<string> = new Set(Object.values(SCHEMA).map((f) => f.flag));

const usageError = (command: CommandName, reason: string): TickflowError =>
  new TickflowError('TF_USAGE', `${reason}; see tickflow ${command} --help`);

/**
 * Refuses a flag the command does not take, naming it: a setting another command reads ("--port is not
 * a setting of tickflow replay") or no option at all. The names are read before the values, so `--bogus x`
 * is reported as --bogus, not as a stray "x".
 */
function checkFlagNames(argv: readonly string[], command: CommandName, spec: Spec): void {
  const everything: Spec = { ...spec };
  for (const flag of SETTING_FLAGS) everything[flag] ??= { type: 'string' };
  const { tokens } = parseArgs({ args: [...argv], options: everything, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name in spec) continue;
    throw usageError(
      command,
      SETTING_FLAGS.has(token.name)
        ? `${token.rawName} is not a setting of tickflow ${command}`
        : `${token.rawName} is not an option of tickflow ${command}`,
    );
  }
}

/** Parses `--flag value` arguments: the settings the command reads, plus its own options. */
export function parseCommandArgs(
  argv: readonly string[],
  command: CommandName,
  own: readonly CommandOption[],
): ParsedArgs {
  const spec: Spec = { help: { type: 'boolean', short: 'h' } };
  for (const f of settingsOf(command)) spec[f.flag] = { type: 'string' };
  for (const o of own) spec[o.flag] = { type: 'string' };
  checkFlagNames(argv, command, spec);
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: spec, strict: true, allowPositionals: false }));
  } catch (err) {
    throw usageError(command, errorMessage(err));
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

/** `--help` text: what the command does, its usage, its options, then the settings it reads. */
export function helpText(command: CommandName, usage: string, own: readonly CommandOption[]): string {
  const lines = [SUMMARIES[command], '', `usage: ${usage}`, ''];
  if (own.length > 0) {
    lines.push('options:');
    for (const o of own) lines.push(`  --${o.flag} ${o.value}`.padEnd(34) + o.doc);
    lines.push('');
  }
  lines.push('settings (flag, env var, default):');
  for (const f of settingsOf(command)) {
    lines.push(`  --${f.flag}`.padEnd(34) + f.doc);
    lines.push(''.padEnd(34) + `env ${f.env}, default ${f.default === '' ? '(none)' : f.default}`);
  }
  return lines.join('\n');
}

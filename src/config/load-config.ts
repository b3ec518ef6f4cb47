import { ConfigError } from '../errors.js';
import { SCHEMA, type SettingName, type Settings } from './schema.js';

export interface ConfigSources {
  /** Environment variables; `process.env` by default. The only place tickflow reads the environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Flag values by flag name (without dashes); flags win over the environment. */
  readonly flags?: Readonly<Record<string, string | undefined>>;
}

export interface Config {
  readonly settings: Settings;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Reads and validates every setting once, at start. Reports every violation together, naming the flag
 * and the env var, rather than failing on the first one. The result is deeply frozen.
 */
export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const flags = sources.flags ?? {};
  const violations: string[] = [];
  const values: Partial<Record<SettingName, unknown>> = {};
  for (const [name, spec] of Object.entries(SCHEMA) as [SettingName, (typeof SCHEMA)[SettingName]][]) {
    const fromFlag = flags[spec.flag];
    const fromEnv = env[spec.env];
    const given = fromFlag ?? fromEnv;
    const origin =
      fromFlag !== undefined
        ? `--${spec.flag}`
        : fromEnv !== undefined
          ? spec.env
          : `default of --${spec.flag}`;
    if (given?.trim() === '' && spec.default !== '') {
      // An empty value is a mistake (an unset variable in a script), never a quiet choice of the default.
      violations.push(`${origin}: is empty; unset it to use the default (${spec.default})`);
      continue;
    }
    const parsed = spec.parse(given ?? spec.default);
    if (typeof parsed === 'string') {
      violations.push(`${origin}: ${parsed}`);
    } else {
      values[name] = parsed.value;
    }
  }
  const chosen = values.sources as Settings['sources'] | undefined;
  if (chosen?.includes('file') === true && values.fileInput === '') {
    violations.push(
      `--${SCHEMA.sources.flag}: the file source needs --${SCHEMA.fileInput.flag} (${SCHEMA.fileInput.env})`,
    );
  }
  if (violations.length > 0) throw new ConfigError(violations);
  const settings = values as Settings;
  return deepFreeze({ settings });
}

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { COMMANDS } from '../../src/config/commands.js';
import { SCHEMA, settingsOf } from '../../src/config/schema.js';
import { SUMMARIES } from '../../src/cli/usage.js';
import { runCli } from '../support/cli.js';

/** The setting flags a `--help` lists, in order. */
const listedSettings = (help: string): string[] => {
  const section = help.split('settings (flag, env var, default):\n')[1] ?? '';
  return [...section.matchAll(/^ {2}--([a-z-]+)/gm)].map((m) => m[1]!);
};

describe('tickflow usage', () => {
  for (const command of COMMANDS) {
    test(`${command} --help says what it does and lists only the settings it reads`, async () => {
      const r = await runCli([command, '--help']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.split('\n')[0], SUMMARIES[command]);
      const expected = settingsOf(command).map((f) => f.flag);
      assert.ok(expected.length > 0);
      assert.deepEqual(listedSettings(r.stdout), expected);
    });
  }

  test('replay --help leaves out the API, the sources and the servers', async () => {
    const r = await runCli(['replay', '--help']);
    for (const flag of [
      'port',
      'host',
      'coingecko-base-url',
      'binance-ws-url',
      'kafka-brokers',
      'log-level',
    ]) {
      assert.doesNotMatch(r.stdout, new RegExp(`--${flag}\\b`), `--${flag} is not a replay setting`);
    }
    assert.match(r.stdout, /env TICKFLOW_OUT_OF_ORDERNESS, default 10s/);
  });

  test('a setting another command reads is refused with exit 2, naming the flag and the command', async () => {
    const cases: [string[], string][] = [
      [['replay', '--input', '-', '--port', '1'], '--port is not a setting of tickflow replay'],
      [['serve', '--sources', 'simulated'], '--sources is not a setting of tickflow serve'],
      [['ingest', '--database-url=postgres://x@h/db'], '--database-url is not a setting of tickflow ingest'],
      [['process', '--port', '0'], '--port is not a setting of tickflow process'],
      [['serve', '--reset-to', 'earliest'], '--reset-to is not an option of tickflow serve'],
      [['start', '--input', 'ticks.jsonl'], '--input is not an option of tickflow start'],
      [['replay', '--bogus', 'x'], '--bogus is not an option of tickflow replay'],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.ok(r.stderr.includes(`${message}; see tickflow ${args[0]} --help`), r.stderr);
      assert.equal(r.stdout, '');
    }
  });

  test('environment variables are shared: one the command does not read is no error', async () => {
    const r = await runCli(['replay', '--input', '-'], '', { PORT: '1', TICKFLOW_SOURCES: 'simulated' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /replay: 0 lines/);
  });

  test('--version and -v print the version in package.json', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-v']) {
      const r = await runCli([flag]);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, `${pkg.version}\n`);
    }
  });

  test('--help prints the commands with their summaries on stdout; no command prints them on stderr, exit 2', async () => {
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    for (const command of COMMANDS) {
      const line = help.stdout.split('\n').find((l) => l.trimStart().startsWith(`${command} `));
      assert.equal(line?.replace(/ +/g, ' '), ` ${command} ${SUMMARIES[command]}`);
    }
    const none = await runCli([]);
    assert.equal(none.code, 2);
    assert.equal(none.stdout, '');
    assert.ok(none.stderr.includes(help.stdout), 'the same usage, on stderr');
  });

  test('an unknown command is named, with the usage, exit 2', async () => {
    const r = await runCli(['strat']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^tickflow: unknown command "strat"\nusage: tickflow <command>/);
    assert.match(r.stderr, /^ {2}start +Runs the whole pipeline/m);
  });

  test('every setting is read by at least one command', () => {
    for (const [name, f] of Object.entries(SCHEMA)) {
      assert.ok(f.usedBy.length > 0, `${name} names the commands that read it`);
    }
  });
});

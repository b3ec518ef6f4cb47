import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { assertPromtoolPasses as assertPasses } from './promtool.js';

const RULES = 'deploy/prometheus/alerts.yml';
const RULE_TESTS = 'deploy/prometheus/alerts.test.yml';
const CONFIG = 'deploy/prometheus/prometheus.yml';

/** The alerting rules of alerts.yml, each as its name and the text of its entry. */
async function ruleEntries(): Promise<{ name: string; text: string }[]> {
  const text = await readFile(new URL(`../../${RULES}`, import.meta.url), 'utf8');
  return text
    .split(/^\s*- alert: /m)
    .slice(1)
    .map((entry) => ({ name: entry.slice(0, entry.indexOf('\n')).trim(), text: entry }));
}

describe('the Prometheus rules and config in deploy/prometheus', () => {
  test('promtool check rules accepts alerts.yml', async () => {
    const output = await assertPasses(['check', 'rules', RULES]);
    const rules = await ruleEntries();
    assert.match(output, new RegExp(`SUCCESS: ${rules.length} rules found`), output);
  });

  test('promtool check config accepts prometheus.yml, which loads alerts.yml', async () => {
    const output = await assertPasses(['check', 'config', CONFIG]);
    assert.match(output, /SUCCESS: 1 rule files found/, output);
    assert.match(output, /alerts\.yml/, output);
  });

  test('promtool test rules passes alerts.test.yml', async () => {
    const output = await assertPasses(['test', 'rules', RULE_TESTS]);
    assert.match(output, /SUCCESS/, output);
  });

  test('every rule has a severity, a summary, a description, and test cases where it fires and stays silent', async () => {
    const tests = await readFile(new URL(`../../${RULE_TESTS}`, import.meta.url), 'utf8');
    const rules = await ruleEntries();
    assert.ok(rules.length >= 10, `alerts.yml has ${rules.length} rules`);
    for (const { name, text } of rules) {
      assert.match(text, /\n\s+severity: (critical|warning|info)\n/, `${name} has a severity`);
      assert.match(text, /\n\s+summary: /, `${name} has a summary`);
      assert.match(text, /\n\s+description: /, `${name} has a description`);
      const fires = new RegExp(`alertname: ${name}\\n\\s+exp_alerts:`);
      assert.match(tests, fires, `${RULE_TESTS} has a case where ${name} fires`);
      const silent = new RegExp(`alertname: ${name}\\n(?!\\s+exp_alerts:)`);
      assert.match(tests, silent, `${RULE_TESTS} has a case where ${name} stays silent`);
    }
  });

  test('the README lists every rule with its severity, and no rule that is not there', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const rules = await ruleEntries();
    for (const { name, text } of rules) {
      const severity = /\n\s+severity: (\w+)\n/.exec(text)?.[1] ?? '?';
      assert.ok(readme.includes(`- \`${name}\` (${severity}): `), `README lists ${name} (${severity})`);
    }
    const listed = [...readme.matchAll(/^- `(Tickflow\w+)` \(/gm)].map((m) => m[1]);
    assert.deepEqual(listed.sort(), rules.map((r) => r.name).sort());
  });
});

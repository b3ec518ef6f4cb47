/**
 * The metric names the Grafana dashboard (deploy/grafana/tickflow.json) and the alerting rules
 * (deploy/prometheus/alerts.yml) query, read out of their PromQL, so a test can hold them against the
 * names tickflow serves.
 */
import { readFile } from 'node:fs/promises';

export const DASHBOARD = new URL('../../deploy/grafana/tickflow.json', import.meta.url);
export const ALERTS = new URL('../../deploy/prometheus/alerts.yml', import.meta.url);

/** Series Prometheus makes itself for every target; no /metrics serves them. */
export const PROMETHEUS_SERIES: ReadonlySet<string> = new Set(['up']);

export interface Target {
  readonly expr?: string;
}
export interface Panel {
  readonly type: string;
  readonly title: string;
  readonly targets?: readonly Target[];
  /** A collapsed row keeps its panels here. */
  readonly panels?: readonly Panel[];
}
export interface Dashboard {
  readonly title: string;
  readonly schemaVersion: number;
  readonly panels: readonly Panel[];
  readonly templating?: { readonly list: readonly { readonly query?: unknown }[] };
}

/** A PromQL expression and where it is written. */
export interface Query {
  readonly where: string;
  readonly expr: string;
}

const NOT_METRICS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'atan2',
  'inf',
  'nan',
]);

/** The metric names an expression selects; Grafana's variables ($__rate_interval, ${x}) are ignored. */
export function promqlMetricNames(expr: string): Set<string> {
  const bare = expr
    .replace(/\$\{[^}]*\}|\$\w+/g, '')
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/(?<![\w.:])[A-Za-z_:][\w:]*(?![\w:]*\s*\()/g)) {
    if (!NOT_METRICS.has(match[0].toLowerCase())) names.add(match[0]);
  }
  return names;
}

/** Every query of a dashboard: each panel's targets (rows' own panels included) and the variables'. */
export function dashboardQueries(dashboard: Dashboard): Query[] {
  const queries: Query[] = [];
  const visit = (panel: Panel): void => {
    for (const target of panel.targets ?? []) {
      if (target.expr !== undefined) queries.push({ where: `panel "${panel.title}"`, expr: target.expr });
    }
    for (const inner of panel.panels ?? []) visit(inner);
  };
  dashboard.panels.forEach(visit);
  for (const variable of dashboard.templating?.list ?? []) {
    const query = variable.query;
    if (typeof query === 'string' && query.includes('(')) queries.push({ where: 'a variable', expr: query });
  }
  return queries;
}

/** The expr of every rule of a rules file, written as a plain scalar or a block (`|`, `>`). */
export function ruleQueries(yaml: string): Query[] {
  const lines = yaml.split('\n');
  const queries: Query[] = [];
  let rule = '?';
  lines.forEach((line, i) => {
    const named = /^\s*- (?:alert|record): (\S+)/.exec(line);
    if (named !== null) rule = named[1]!;
    const found = /^(\s*)expr:\s*(.*)$/.exec(line);
    if (found === null) return;
    const [, indent, rest] = found as unknown as [string, string, string];
    let expr = rest;
    if (/^[|>][-+]?$/.test(rest)) {
      const block: string[] = [];
      for (const next of lines.slice(i + 1)) {
        if (next.trim() !== '' && next.search(/\S/) <= indent.length) break;
        block.push(next);
      }
      expr = block.join('\n');
    } else if (/^'.*'$/.test(rest)) {
      expr = rest.slice(1, -1).replace(/''/g, "'");
    } else if (/^".*"$/.test(rest)) {
      expr = JSON.parse(rest) as string;
    }
    queries.push({ where: `rule ${rule}`, expr });
  });
  return queries;
}

export async function readDashboard(): Promise<Dashboard> {
  return JSON.parse(await readFile(DASHBOARD, 'utf8')) as Dashboard;
}

/** Every query of the dashboard and of the alerting rules. */
export async function allQueries(): Promise<Query[]> {
  return [...dashboardQueries(await readDashboard()), ...ruleQueries(await readFile(ALERTS, 'utf8'))];
}

/**
 * The metric names the dashboard and the alerting rules query that a tickflow process must serve (so
 * without Prometheus's own series such as `up`).
 */
export async function referencedMetricNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const { expr } of await allQueries()) {
    for (const name of promqlMetricNames(expr)) if (!PROMETHEUS_SERIES.has(name)) names.add(name);
  }
  return names;
}

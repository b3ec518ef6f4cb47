import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  ALERTS,
  PROMETHEUS_SERIES,
  type Panel,
  allQueries,
  dashboardQueries,
  promqlMetricNames,
  readDashboard,
  referencedMetricNames,
  ruleQueries,
} from './metric-names.js';
import { assertPromtoolPasses } from './promtool.js';

/** The dashboard's rows, in order, with metrics each must chart. */
const ROWS: readonly { title: string; charts: readonly string[] }[] = [
  {
    title: 'Producer health',
    charts: [
      'tickflow_source_ticks_total',
      'tickflow_source_fetch_duration_seconds_bucket',
      'tickflow_source_requests_total',
      'tickflow_source_seconds_since_success',
      'tickflow_source_retries_total',
    ],
  },
  {
    title: 'Processor',
    charts: [
      'tickflow_processor_records_in_total',
      'tickflow_processor_records_out_total',
      'tickflow_processor_event_time_lag_seconds',
      'tickflow_processor_watermark_seconds',
      'tickflow_processor_windows_fired_total',
      'tickflow_processor_late_ticks_total',
      'tickflow_processor_duplicate_ticks_total',
      'tickflow_processor_dead_letters_total',
      'tickflow_processor_checkpoint_duration_seconds_bucket',
      'tickflow_processor_checkpoint_bytes',
      'tickflow_processor_partitions_owned',
      'tickflow_processor_partitions_gained_total',
      'tickflow_processor_partitions_lost_total',
    ],
  },
  {
    title: 'API performance',
    charts: [
      'tickflow_http_request_duration_seconds_count',
      'tickflow_http_request_duration_seconds_bucket',
      'tickflow_ws_clients',
      'tickflow_ws_messages_sent_total',
      'tickflow_ws_messages_conflated_total',
    ],
  },
  {
    title: 'Storage health',
    charts: [
      'tickflow_sink_write_duration_seconds_bucket',
      'tickflow_sink_errors_total',
      'tickflow_sink_batch_size_bucket',
      'tickflow_sink_circuit_open',
      'tickflow_store_pool_connections',
      'tickflow_cache_memory_used_bytes',
      'tickflow_cache_memory_max_bytes',
      'tickflow_log_consumer_lag',
    ],
  },
];

/** The dashboard's panels grouped under the row above them (or inside it, when it is collapsed). */
function rows(panels: readonly Panel[]): { title: string; panels: Panel[] }[] {
  const groups: { title: string; panels: Panel[] }[] = [];
  for (const panel of panels) {
    if (panel.type === 'row') groups.push({ title: panel.title, panels: [...(panel.panels ?? [])] });
    else if (groups.length === 0) assert.fail(`panel "${panel.title}" is above the first row`);
    else groups.at(-1)!.panels.push(panel);
  }
  return groups;
}

describe('promqlMetricNames', () => {
  test('finds the selected metrics, not functions, labels, strings, durations or Grafana variables', () => {
    const names = (expr: string): string[] => [...promqlMetricNames(expr)].sort();
    assert.deepEqual(
      names(
        'histogram_quantile(0.99, sum by (job, le) (rate(a_bucket{route!~"/ws/(x)", le="+Inf"}[$__rate_interval]))) > 0.5',
      ),
      ['a_bucket'],
    );
    assert.deepEqual(names('sum(rate(b_total[5m])) by (source) / on (job) group_left (x) c or vector(0)'), [
      'b_total',
      'c',
    ]);
    assert.deepEqual(names('max(d) offset 5m > bool 1e3 unless ignoring (i) e:recorded'), [
      'd',
      'e:recorded',
    ]);
    assert.deepEqual(names("time() - f{job=~'ingest|tickflow'} > 120 and inf"), ['f']);
    assert.deepEqual(names('max_over_time(g[10m:1m]) * ${factor}'), ['g']);
  });

  test('ruleQueries reads plain and block exprs and names their rules', () => {
    const yaml = [
      'groups:',
      '  - name: x',
      '    rules:',
      '      - alert: One',
      '        expr: up == 0',
      '        for: 1m',
      '      - alert: Two',
      '        expr: |',
      '          rate(a[1m]) == 0',
      '          or b',
      '        labels:',
      '          severity: info',
      '      - record: job:c:sum',
      '        expr: \'sum(c{x="y"})\'',
    ].join('\n');
    const found = ruleQueries(yaml).map(({ where, expr }) => [where, expr.trim()]);
    assert.deepEqual(found, [
      ['rule One', 'up == 0'],
      ['rule Two', 'rate(a[1m]) == 0\n          or b'],
      ['rule job:c:sum', 'sum(c{x="y"})'],
    ]);
  });
});

describe('the Grafana dashboard deploy/grafana/tickflow.json', () => {
  test('is a dashboard of schema 39 on a Prometheus datasource variable', async () => {
    const dashboard = await readDashboard();
    assert.equal(dashboard.schemaVersion, 39);
    const variables = dashboard.templating?.list ?? [];
    assert.ok(
      variables.some((v) => (v as { type?: unknown }).type === 'datasource' && v.query === 'prometheus'),
      'a datasource variable of type prometheus',
    );
    const all = rows(dashboard.panels).flatMap((row) => row.panels);
    for (const panel of all) {
      const { datasource } = panel as { datasource?: { type?: string; uid?: string } };
      assert.equal(datasource?.type, 'prometheus', `panel "${panel.title}" queries Prometheus`);
      assert.ok(
        datasource.uid === '${datasource}' || datasource.uid === 'prometheus',
        `panel "${panel.title}" uses the datasource variable`,
      );
      assert.ok((panel.targets ?? []).length > 0, `panel "${panel.title}" has a query`);
    }
  });

  test('has the four rows, each charting what it is about', async () => {
    const groups = rows((await readDashboard()).panels);
    assert.deepEqual(
      groups.map((g) => g.title),
      ROWS.map((r) => r.title),
    );
    groups.forEach((group, i) => {
      const charted = new Set(
        group.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => [...promqlMetricNames(t.expr ?? '')])),
      );
      for (const name of ROWS[i]!.charts) assert.ok(charted.has(name), `row "${group.title}" charts ${name}`);
    });
  });

  test('lays its panels out on the 24-column grid without overlaps, with unique ids', async () => {
    type Placed = Panel & { id: number; gridPos: { x: number; y: number; w: number; h: number } };
    const panels = (await readDashboard()).panels as readonly Placed[];
    assert.equal(new Set(panels.map((p) => p.id)).size, panels.length, 'ids are unique');
    panels.forEach((a, i) => {
      assert.ok(a.gridPos.x >= 0 && a.gridPos.x + a.gridPos.w <= 24, `"${a.title}" fits the width`);
      for (const b of panels.slice(i + 1)) {
        const apart =
          a.gridPos.x + a.gridPos.w <= b.gridPos.x ||
          b.gridPos.x + b.gridPos.w <= a.gridPos.x ||
          a.gridPos.y + a.gridPos.h <= b.gridPos.y ||
          b.gridPos.y + b.gridPos.h <= a.gridPos.y;
        assert.ok(apart, `"${a.title}" and "${b.title}" overlap`);
      }
    });
  });

  test('every query is PromQL that promtool parses', async () => {
    const queries = dashboardQueries(await readDashboard());
    // A rules file of one recording rule per query (JSON is YAML), with Grafana's variables filled in.
    const rules = queries.map(({ expr }, i) => ({
      record: `tickflow_dashboard:query_${i}`,
      expr: expr.replaceAll('$__rate_interval', '1m').replaceAll('${datasource}', 'prometheus'),
    }));
    const dir = await mkdtemp(join(tmpdir(), 'tf-dashboard-'));
    try {
      const file = join(dir, 'dashboard-queries.yml');
      await writeFile(file, JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
      const output = await assertPromtoolPasses(['check', 'rules', file]);
      assert.match(output, new RegExp(`SUCCESS: ${rules.length} rules found`), output);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the metrics the dashboard and the alerts query', () => {
  test('the alerts are read too: one expr per rule of alerts.yml', async () => {
    const yaml = await readFile(ALERTS, 'utf8');
    assert.equal(ruleQueries(yaml).length, yaml.match(/^\s*- alert: /gm)?.length);
  });

  // That tickflow serves each of them is checked against a real scrape, in test/e2e/metrics.test.ts.
  test('are all found by referencedMetricNames()', async () => {
    const referenced = await referencedMetricNames();
    assert.ok(referenced.size >= 30, `found ${referenced.size} names: ${[...referenced].join(', ')}`);
    for (const { where, expr } of await allQueries()) {
      for (const name of promqlMetricNames(expr)) {
        if (PROMETHEUS_SERIES.has(name)) continue;
        assert.ok(referenced.has(name), `referencedMetricNames() has ${name}, from ${where}`);
      }
    }
  });
});

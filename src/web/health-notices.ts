import type { HealthReport } from '../domain/health.js';

/** One line the page shows above the dashboard about a part that is not working. */
export interface Notice {
  readonly id: string;
  readonly level: 'error' | 'warning';
  readonly text: string;
}

/** The command that starts tickflow on its simulated market, for when the default source is unreachable. */
export const SIMULATED_HINT = 'TICKFLOW_SOURCES=simulated npm start';

const PART_EFFECT: Readonly<Record<string, string>> = {
  store: 'history and alerts cannot be loaded; live prices continue',
  cache: 'latest prices and live updates are paused; history still loads',
  log: 'new prices are not being taken in',
  processor: 'candles and alerts are not being computed',
};

/**
 * The notices a health report calls for: one per component that is not up, saying what it means for the
 * page, and for a source that is down its own detail (and, for CoinGecko, how to run without it).
 */
export function healthNotices(report: HealthReport): Notice[] {
  const notices: Notice[] = [];
  for (const [name, c] of Object.entries(report.components)) {
    if (c.status === 'up') continue;
    const level = c.status === 'down' ? 'error' : 'warning';
    const detail = c.detail === undefined ? '' : ` (${c.detail})`;
    if (name.startsWith('source:')) {
      const source = name.slice('source:'.length);
      const hint =
        source === 'coingecko' && c.status === 'down'
          ? ` To see tickflow work without it, start the simulated market: ${SIMULATED_HINT}`
          : '';
      notices.push({ id: name, level, text: `Source ${source} is ${c.status}${detail}.${hint}` });
      continue;
    }
    const effect = PART_EFFECT[name];
    notices.push({
      id: name,
      level,
      text: `The ${name} is ${c.status}${detail}${effect === undefined ? '' : `: ${effect}`}.`,
    });
  }
  return notices;
}

import type { AlertJson } from '../domain/alert.js';

const RULE_NAMES: Record<AlertJson['rule'], string> = {
  price_spike: 'Price spike',
  zscore: 'Z-score',
  volume_spike: 'Volume spike',
  stale_feed: 'Stale feed',
};

export const ruleName = (rule: AlertJson['rule']): string => RULE_NAMES[rule];

const percent = (x: number): string => `${(x * 100).toFixed(2)}%`;
const minutes = (ms: number): string => `${(ms / 60_000).toFixed(ms % 60_000 === 0 ? 0 : 1)} min`;

/**
 * The measured value against its threshold, in the rule's own unit: a return for price_spike, σ for
 * zscore, a multiple of the mean for volume_spike, a time without ticks for stale_feed.
 */
export function valueAgainstThreshold(alert: Pick<AlertJson, 'rule' | 'value' | 'threshold'>): string {
  const { rule, value, threshold } = alert;
  switch (rule) {
    case 'price_spike':
      return `${value >= 0 ? '+' : '-'}${percent(Math.abs(value))} vs ±${percent(threshold)}`;
    case 'zscore':
      return `${value >= 0 ? '+' : '-'}${Math.abs(value).toFixed(2)}σ vs ±${threshold.toFixed(2)}σ`;
    case 'volume_spike':
      return `${value.toFixed(2)}× mean vs ${threshold.toFixed(2)}×`;
    case 'stale_feed':
      return `no ticks for ${minutes(value)} vs ${minutes(threshold)}`;
  }
}

/** Newest first by event time, then id; one entry per alert id; at most `max`. */
export function mergeAlerts(
  current: readonly AlertJson[],
  incoming: readonly AlertJson[],
  max: number,
): AlertJson[] {
  const byId = new Map<string, AlertJson>();
  for (const a of [...current, ...incoming]) byId.set(a.id, a);
  return [...byId.values()]
    .sort((a, b) => b.ts - a.ts || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, max);
}

import type { AlertJson } from '../domain/alert.js';
import { mergeAlerts, ruleName, valueAgainstThreshold } from './alert-text.js';
import { h } from './dom.js';
import { clockLabel } from './local-time.js';

const MAX_SHOWN = 200;

/** The alerts of every symbol, newest first, as a live list. */
export class AlertPanel {
  #alerts: AlertJson[] = [];

  constructor(
    private readonly list: HTMLElement,
    private readonly empty: HTMLElement,
  ) {}

  add(alerts: readonly AlertJson[]): void {
    if (alerts.length === 0) return;
    this.#alerts = mergeAlerts(this.#alerts, alerts, MAX_SHOWN);
    this.#render();
  }

  /** The alerts of one symbol and interval, for the chart's markers. */
  of(symbol: string, interval: string): AlertJson[] {
    return this.#alerts.filter((a) => a.symbol === symbol && a.interval === interval);
  }

  #render(): void {
    this.empty.hidden = this.#alerts.length > 0;
    this.list.replaceChildren(
      ...this.#alerts.map((a) =>
        h(
          'li',
          { class: `alert alert-${a.rule}`, 'data-id': a.id },
          h(
            'div',
            { class: 'alert-head' },
            h('span', { class: 'alert-rule' }, ruleName(a.rule)),
            h('span', { class: 'alert-symbol' }, `${a.symbol} · ${a.interval}`),
          ),
          h('div', { class: 'alert-value' }, valueAgainstThreshold(a)),
          h('time', { class: 'alert-time', datetime: new Date(a.ts).toISOString() }, clockLabel(a.ts)),
        ),
      ),
    );
  }
}

import type { LatestPrice } from '../domain/live-update.js';
import { h } from './dom.js';
import { minuteLabel } from './local-time.js';
import { formatAge, formatChange, formatPrice, percentChange } from './format.js';

/** A price older than this (by its event time) is shown as stale, as is one the feed marked stale. */
export const STALE_AFTER_MS = 120_000;

/** Where a card's change comes from: the source's own 24 h figure, or the candles from `since`. */
export interface ChangeReference {
  readonly price: number;
  /** Epoch ms of the reference price; the label says "24h" only when it is about a day back. */
  readonly since: number;
}

interface CardState {
  latest: LatestPrice | null;
  reference: ChangeReference | null;
  readonly el: HTMLElement;
  readonly price: HTMLElement;
  readonly change: HTMLElement;
  readonly changeLabel: HTMLElement;
  readonly age: HTMLElement;
  readonly badge: HTMLElement;
  readonly source: HTMLElement;
}

const DAY_MS = 86_400_000;

/** One card per symbol with the last price, its change, its age and a stale badge; a click selects it. */
export class PriceCards {
  readonly #cards = new Map<string, CardState>();

  constructor(root: HTMLElement, symbols: readonly string[], onSelect: (symbol: string) => void) {
    for (const symbol of symbols) {
      const price = h('div', { class: 'card-price' }, '—');
      const change = h('span', { class: 'card-change' }, '');
      const changeLabel = h('span', { class: 'card-change-label' }, '');
      const age = h('span', { class: 'card-age' }, 'waiting for a price');
      const badge = h('span', { class: 'badge badge-stale', hidden: true }, 'stale');
      const source = h('span', { class: 'card-source' }, '');
      const el = h(
        'button',
        { class: 'card', type: 'button', 'data-symbol': symbol, 'aria-pressed': 'false' },
        h('div', { class: 'card-head' }, h('span', { class: 'card-symbol' }, symbol), badge),
        price,
        h('div', { class: 'card-foot' }, change, changeLabel),
        h('div', { class: 'card-foot' }, age, source),
      );
      el.addEventListener('click', () => {
        onSelect(symbol);
      });
      root.append(el);
      this.#cards.set(symbol, {
        latest: null,
        reference: null,
        el,
        price,
        change,
        changeLabel,
        age,
        badge,
        source,
      });
    }
  }

  select(symbol: string): void {
    for (const [s, card] of this.#cards) card.el.setAttribute('aria-pressed', String(s === symbol));
  }

  setLatest(latest: LatestPrice): void {
    const card = this.#cards.get(latest.symbol);
    if (card === undefined) return;
    if (card.latest !== null && latest.ts < card.latest.ts) return;
    card.latest = latest;
    card.price.textContent = formatPrice(latest.price);
    card.source.textContent = latest.source;
    this.#renderChange(card);
    this.#renderAge(card, Date.now());
  }

  /** Sets the price the change is computed from, for a source that gives no 24 h change of its own. */
  setReference(symbol: string, reference: ChangeReference): void {
    const card = this.#cards.get(symbol);
    if (card === undefined) return;
    card.reference = reference;
    this.#renderChange(card);
  }

  /** The event time a change reference should be looked up from: a day before the card's price. */
  referenceTime(symbol: string): number | null {
    const ts = this.#cards.get(symbol)?.latest?.ts;
    return ts === undefined ? null : ts - DAY_MS;
  }

  /** Re-renders every card's age and stale badge; called once a second. */
  tick(now: number): void {
    for (const card of this.#cards.values()) this.#renderAge(card, now);
  }

  #renderChange(card: CardState): void {
    const { latest, reference } = card;
    if (latest === null) return;
    let percent = latest.change_24h;
    let label = '24h';
    if (percent === null && reference !== null) {
      percent = percentChange(latest.price, reference.price);
      if (latest.ts - reference.since < DAY_MS - 3_600_000) label = `since ${minuteLabel(reference.since)}`;
    }
    card.change.textContent = percent === null ? '—' : formatChange(percent);
    card.change.className = `card-change ${percent === null || percent === 0 ? 'flat' : percent > 0 ? 'up' : 'down'}`;
    card.changeLabel.textContent = percent === null ? '' : label;
  }

  #renderAge(card: CardState, now: number): void {
    const { latest } = card;
    if (latest === null) return;
    card.age.textContent = `updated ${formatAge(now - latest.ts)}`;
    const stale = latest.stale || now - latest.ts > STALE_AFTER_MS;
    card.badge.hidden = !stale;
    card.el.classList.toggle('stale', stale);
  }
}

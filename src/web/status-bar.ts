import type { HealthReport } from '../domain/health.js';
import { type ConnectionStatus, connectionStatus, type FeedState } from './connection-status.js';
import { h } from './dom.js';
import { healthNotices, type Notice } from './health-notices.js';

const LABELS: Record<ConnectionStatus, string> = {
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

/**
 * The connection indicator and the notices above the dashboard: the API unreachable, a part behind it
 * down, a source down. It holds the state of every feed and whether the API answers.
 */
export class StatusBar {
  readonly #feeds = new Map<string, FeedState>();
  #apiReachable = true;
  #healthNotices: Notice[] = [];
  readonly #viewNotices = new Map<string, Notice>();

  constructor(
    private readonly indicator: HTMLElement,
    private readonly notices: HTMLElement,
  ) {
    this.#render();
  }

  setFeed(symbol: string, state: FeedState): void {
    this.#feeds.set(symbol, state);
    if (state === 'live') this.#apiReachable = true;
    this.#render();
  }

  setApiReachable(reachable: boolean): void {
    if (reachable === this.#apiReachable) return;
    this.#apiReachable = reachable;
    this.#render();
  }

  setHealth(report: HealthReport): void {
    this.#apiReachable = true;
    this.#healthNotices = healthNotices(report);
    this.#render();
  }

  /** Shows (or, with null, removes) a notice of the page's own, such as history failing to load. */
  setNotice(id: string, notice: Omit<Notice, 'id'> | null): void {
    if (notice === null) this.#viewNotices.delete(id);
    else this.#viewNotices.set(id, { id, ...notice });
    this.#render();
  }

  status(): ConnectionStatus {
    return connectionStatus([...this.#feeds.values()], this.#apiReachable);
  }

  #render(): void {
    const status = this.status();
    this.indicator.dataset['state'] = status;
    this.indicator.textContent = LABELS[status];
    const all: Notice[] = [];
    if (status === 'offline') {
      all.push({
        id: 'offline',
        level: 'error',
        text: `The tickflow API at ${location.host} is not answering. What was loaded stays on screen; the page reconnects on its own.`,
      });
    } else {
      all.push(...this.#healthNotices);
    }
    all.push(...this.#viewNotices.values());
    this.notices.replaceChildren(
      ...all.map((n) =>
        h('p', { class: `notice notice-${n.level}`, 'data-notice': n.id, role: 'status' }, n.text),
      ),
    );
  }
}

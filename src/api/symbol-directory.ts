import type { Store, SymbolInfo } from '../store/store.js';

/**
 * Which symbols the API knows: the configured ones (answered from memory, so the hot path never touches
 * the store) and any the store has seen. Requests that ask the store while a read of its symbols is under
 * way share that read, so a burst of requests for unknown symbols runs one query, not one each.
 */
export class SymbolDirectory {
  readonly #configured: ReadonlySet<string>;
  readonly #order: readonly string[];
  readonly #store: Store;
  #reading: Promise<SymbolInfo[]> | null = null;

  constructor(configured: readonly string[], store: Store) {
    this.#order = configured;
    this.#configured = new Set(configured);
    this.#store = store;
  }

  isConfigured(symbol: string): boolean {
    return this.#configured.has(symbol);
  }

  /** True for a configured symbol without a store query; otherwise asks the store (which may throw). */
  async isKnown(symbol: string): Promise<boolean> {
    if (this.#configured.has(symbol)) return true;
    const stored = await this.#storedSymbols();
    return stored.some((s) => s.symbol === symbol);
  }

  /**
   * Configured symbols in their configured order, then the store's others, sorted. With the store down,
   * the configured ones alone and `complete: false`: live prices of those still flow without it.
   */
  async all(): Promise<{ symbols: string[]; complete: boolean }> {
    let stored: SymbolInfo[];
    try {
      stored = await this.#storedSymbols();
    } catch {
      return { symbols: [...this.#order], complete: false };
    }
    const extra = stored
      .map((s) => s.symbol)
      .filter((s) => !this.#configured.has(s))
      .sort();
    return { symbols: [...this.#order, ...new Set(extra)], complete: true };
  }

  #storedSymbols(): Promise<SymbolInfo[]> {
    this.#reading ??= this.#store.symbols().finally(() => {
      this.#reading = null;
    });
    return this.#reading;
  }
}

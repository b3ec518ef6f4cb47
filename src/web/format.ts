/**
 * Digits after the decimal point that show a price to its precision: 2 from 10 up, 3 between 1 and 10,
 * and 4 significant digits below 1 (0.08123, 0.00001234), at most 10.
 */
export function priceDecimals(price: number): number {
  const abs = Math.abs(price);
  if (abs === 0 || !Number.isFinite(abs)) return 2;
  const magnitude = Math.floor(Math.log10(abs));
  return magnitude >= 1 ? 2 : Math.min(10, 3 - magnitude);
}

export function formatPrice(price: number, locale?: string): string {
  const digits = priceDecimals(price);
  return price.toLocaleString(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A percentage change with its sign: `+1.23%`, `-0.45%`, `0.00%`. */
export function formatChange(percent: number): string {
  const text = Math.abs(percent).toFixed(2);
  if (text === '0.00') return '0.00%';
  return `${percent > 0 ? '+' : '-'}${text}%`;
}

/** How long ago, coarse enough to read at a glance: `now`, `12 s ago`, `5 min ago`, `3 h ago`, `2 d ago`. */
export function formatAge(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  if (s < 1) return 'now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** Percent change from `reference` to `price`, or null when there is no usable reference. */
export function percentChange(price: number, reference: number | null): number | null {
  if (reference === null || reference <= 0) return null;
  return (price / reference - 1) * 100;
}

/**
 * The sum of finite doubles computed exactly, in BigInt, and rounded once to the nearest double: the
 * reference a compensated sum is checked against. Each double is m · 2^e with an integer m; the terms are
 * scaled to the smallest e, added exactly, and converted back (Number() of a BigInt rounds to nearest).
 */
export function exactSum(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const parts = values.map(decompose);
  const eMin = Math.min(...parts.map((p) => p.e));
  let total = 0n;
  for (const { m, e } of parts) total += m << BigInt(e - eMin);
  return Number(total) * 2 ** eMin;
}

function decompose(x: number): { m: bigint; e: number } {
  if (!Number.isFinite(x)) throw new Error(`exactSum: ${x} is not finite`);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const exponent = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  const sign = hi >>> 31 === 1 ? -1n : 1n;
  // A subnormal has no implicit leading 1 and the exponent of the smallest normal.
  return exponent === 0
    ? { m: sign * fraction, e: -1074 }
    : { m: sign * (fraction | (1n << 52n)), e: exponent - 1075 };
}

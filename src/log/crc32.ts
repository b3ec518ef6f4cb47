import * as zlib from 'node:zlib';

/** CRC-32 (IEEE 802.3, the polynomial of zlib and gzip), table driven. */
const TABLE = ((): Uint32Array => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32Table(data: Uint8Array, start = 0, end = data.length): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = (TABLE[(crc ^ (data[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

type NativeCrc32 = (data: Uint8Array) => number;
/** zlib.crc32 exists from Node 20.15 / 22.2; package.json allows 20.9, so the table is the fallback. */
const native = (zlib as unknown as { crc32?: NativeCrc32 }).crc32;

/** CRC-32 of `data[start, end)`, as an unsigned 32-bit integer. */
export function crc32(data: Uint8Array, start = 0, end = data.length): number {
  if (native === undefined) return crc32Table(data, start, end);
  return native(data.subarray(start, end)) >>> 0;
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { TickLineDecoder } from '../../src/domain/tick-lines.js';
import type { Tick } from '../../src/domain/tick.js';
import { BOUND, line, NOW, slowDecode } from '../support/tick-lines.js';

/** What the decoder gives for `pieces` read one after another: ticks, and reasons with line numbers. */
function decodeAll(pieces: readonly string[]): { events: unknown[]; lines: number } {
  const events: unknown[] = [];
  const decoder = new TickLineDecoder({
    tick: (tick) => events.push(tick),
    invalid: (lineNo, reason) => events.push(`line ${lineNo}: ${reason}`),
  });
  let lines = 0;
  for (const piece of pieces) lines += decoder.decode(Buffer.from(piece), lines + 1, NOW, BOUND);
  return { events, lines };
}

const oneLine = line.filter((text) => !/[\r\n]/.test(text));
const blank = fc.constantFrom('', ' ', '\t ', '   ');

test('lines read many at a time decode as each line alone does, with its number, across pieces', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof({ weight: 5, arbitrary: oneLine }, { weight: 1, arbitrary: blank }), {
        minLength: 1,
        maxLength: 12,
      }),
      fc.array(fc.constantFrom('\n', '\r\n'), { minLength: 12, maxLength: 12 }),
      fc.boolean(),
      fc.nat(),
      (lines, ends, finalEnd, cutAt) => {
        const text = lines
          .map((l, i) => l + (i < lines.length - 1 || finalEnd ? (ends[i] ?? '\n') : ''))
          .join('');
        // Cut after a line end, as readWholeLines does.
        const cuts = [...text.matchAll(/\n/g)].map((m) => m.index + 1);
        const cut = cuts.length === 0 ? text.length : (cuts[cutAt % cuts.length] as number);
        const pieces = [text.slice(0, cut), text.slice(cut)].filter((p) => p !== '');
        const expected: unknown[] = [];
        lines.forEach((l, i) => {
          if (l.trim() === '') return;
          const decoded = slowDecode(l);
          expected.push(decoded.ok ? decoded.tick : `line ${i + 1}: ${decoded.reason}`);
        });
        // A last line that is empty and has no end is no line at all.
        const count = !finalEnd && lines.at(-1) === '' ? lines.length - 1 : lines.length;
        assert.deepEqual(decodeAll(pieces), { events: expected, lines: count });
      },
    ),
    { numRuns: 5_000 },
  );
});

test('a file of ticks: \\r\\n ends, blank lines, an invalid line named by its number, an unusual line read in full', () => {
  const text = [
    '{"symbol":"BTC","price":43250.5,"ts":1699999990000,"volume":0.5,"seq":"7","source":"binance"}',
    '',
    '{"symbol":"BTC","price":-1,"ts":1699999990000}',
    '   ',
    '{ "symbol": "eth", "price": 2e3, "ts": 1699999991000 }',
  ].join('\r\n');
  const ticks: Tick[] = [];
  const invalid: [number, string][] = [];
  const decoder = new TickLineDecoder({
    tick: (tick) => ticks.push(tick),
    invalid: (lineNo, reason) => invalid.push([lineNo, reason]),
  });
  assert.equal(decoder.decode(Buffer.from(text), 10, NOW, BOUND), 5);
  assert.deepEqual(invalid, [[12, 'price: must be a finite number greater than 0']]);
  assert.deepEqual(
    ticks.map((t) => [t.symbol, t.price, t.ts, t.volume, t.seq, t.source, t.receivedAt]),
    [
      ['BTC', 43250.5, 1699999990000, 0.5, '7', 'binance', NOW],
      ['ETH', 2000, 1699999991000, 0, null, 'file', NOW],
    ],
  );
});

test('a line with bytes that are not UTF-8 decodes as its text does, whichever byte is replaced', () => {
  const good = Buffer.from(
    '{"symbol":"BTC","price":43250.5,"ts":1699999990000,"volume":0.5,"seq":"7","source":"binance"}',
  );
  // A lone continuation byte, a truncated two-byte lead, an invalid byte and DEL, at every position.
  for (const bad of [0x80, 0xc3, 0xff, 0x7f]) {
    for (let at = 0; at < good.length; at++) {
      const bytes = Buffer.from(good);
      bytes[at] = bad;
      const events: unknown[] = [];
      const decoder = new TickLineDecoder({
        tick: (tick) => events.push(tick),
        invalid: (lineNo, reason) => events.push(`line ${lineNo}: ${reason}`),
      });
      assert.equal(decoder.decode(Buffer.concat([bytes, Buffer.from('\n')]), 1, NOW, BOUND), 1);
      const slow = slowDecode(bytes.toString('utf8'));
      assert.deepEqual(
        events,
        [slow.ok ? slow.tick : `line 1: ${slow.reason}`],
        `0x${bad.toString(16)} at ${at}`,
      );
    }
  }
});

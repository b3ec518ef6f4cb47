import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clockLabel, crosshairLabel, TickMark, tickMarkLabel } from '../../src/web/local-time.js';

// 2026-12-04T23:30:00Z: already the 5th in Tokyo (UTC+9), still the 4th in New York (UTC-5).
const AT = Date.UTC(2026, 11, 4, 23, 30, 0);

describe('chart times in the browser’s time zone', () => {
  test('tick marks follow the zone, not UTC', () => {
    assert.equal(tickMarkLabel(AT / 1000, TickMark.Time, 'en-GB', 'Asia/Tokyo'), '08:30');
    assert.equal(tickMarkLabel(AT / 1000, TickMark.Time, 'en-GB', 'America/New_York'), '18:30');
    assert.equal(tickMarkLabel(AT / 1000, TickMark.DayOfMonth, 'en-GB', 'Asia/Tokyo'), '5 Dec');
    assert.equal(tickMarkLabel(AT / 1000, TickMark.DayOfMonth, 'en-GB', 'America/New_York'), '4 Dec');
    assert.equal(tickMarkLabel(AT / 1000, TickMark.Year, 'en-GB', 'UTC'), '2026');
  });

  test('the crosshair and list times too', () => {
    assert.equal(crosshairLabel(AT / 1000, 'en-GB', 'Asia/Tokyo'), '5 Dec 2026, 08:30');
    assert.equal(clockLabel(AT + 5_000, 'en-GB', 'America/New_York'), '18:30:05');
  });
});

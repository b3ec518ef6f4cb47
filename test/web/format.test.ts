import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatAge, formatChange, formatPrice, percentChange, priceDecimals } from '../../src/web/format.js';

describe('price and change formatting', () => {
  test('a price keeps the digits its size needs', () => {
    assert.equal(formatPrice(43123.456, 'en-US'), '43,123.46');
    assert.equal(formatPrice(98.1, 'en-US'), '98.10');
    assert.equal(formatPrice(1.5, 'en-US'), '1.500');
    assert.equal(formatPrice(0.5, 'en-US'), '0.5000');
    assert.equal(formatPrice(0.081234, 'en-US'), '0.08123');
    assert.equal(formatPrice(0.0000123456, 'en-US'), '0.00001235');
    assert.equal(formatPrice(43123.456, 'de-DE'), '43.123,46');
    assert.equal(priceDecimals(0), 2);
    assert.equal(priceDecimals(1e-15), 10);
  });

  test('a change carries its sign, and rounds to zero without one', () => {
    assert.equal(formatChange(1.234), '+1.23%');
    assert.equal(formatChange(-0.456), '-0.46%');
    assert.equal(formatChange(0.001), '0.00%');
    assert.equal(formatChange(-0.004), '0.00%');
  });

  test('percentChange is relative to the reference, and null without one', () => {
    assert.equal(percentChange(110, 100), 10.000000000000009);
    assert.equal(percentChange(90, 100), -9.999999999999998);
    assert.equal(percentChange(90, null), null);
    assert.equal(percentChange(90, 0), null);
  });

  test('an age reads at a glance', () => {
    assert.equal(formatAge(-5_000), 'now');
    assert.equal(formatAge(999), 'now');
    assert.equal(formatAge(12_400), '12 s ago');
    assert.equal(formatAge(5 * 60_000 + 59_000), '5 min ago');
    assert.equal(formatAge(3 * 3_600_000), '3 h ago');
    assert.equal(formatAge(2 * 86_400_000 + 1), '2 d ago');
  });
});

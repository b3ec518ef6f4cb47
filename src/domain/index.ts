export * from './alert.js';
export * from './candle.js';
export * from './interval.js';
export * from './tick.js';
export * from './time.js';

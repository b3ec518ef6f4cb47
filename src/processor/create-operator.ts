import type { Config } from '../config/load-config.js';
import type { Clock } from './processor-options.js';
import type { ProcessorOutput } from './processor-output.js';
import { WindowOperator } from './window-operator.js';

/**
 * Builds the operator from validated config. With a clock it runs in live mode (quiet symbols' clocks move
 * on after the idle timeout); without one it is a replay, driven by the records alone.
 */
export function createOperator(config: Config, output: ProcessorOutput, clock?: Clock): WindowOperator {
  const { idleTimeoutMs, ...options } = config.processor;
  const idle = clock === undefined ? null : { timeoutMs: idleTimeoutMs, clock };
  return new WindowOperator({ ...options, idle }, output);
}

import type { Config } from '../config/load-config.js';
import type { Settings } from '../config/schema.js';
import { DEFAULT_ANOMALY_OPTIONS } from '../processor/anomaly/anomaly-options.js';
import type { Clock, ProcessorOptions } from '../processor/processor-options.js';
import type { ProcessorOutput } from '../processor/processor-output.js';
import { WindowOperator } from '../processor/window-operator.js';

/** The processor's options from the validated settings, without the clock (live runs inject it). */
export function processorOptions(settings: Settings): Omit<ProcessorOptions, 'idle'> {
  return {
    intervals: settings.intervals,
    outOfOrdernessMs: settings.outOfOrderness,
    allowedLatenessMs: settings.allowedLateness,
    anomaly: {
      ...DEFAULT_ANOMALY_OPTIONS,
      rules: settings.alertRules,
      priceSpikeThresholds: settings.priceSpikeThresholds,
      zscore: {
        k: settings.zscoreK,
        window: settings.zscoreWindow,
        minSamples: Math.min(DEFAULT_ANOMALY_OPTIONS.zscore.minSamples, settings.zscoreWindow),
      },
      volumeSpike: { ...DEFAULT_ANOMALY_OPTIONS.volumeSpike, factor: settings.volumeSpikeFactor },
      staleFeed: { windows: settings.staleWindows },
      cooldownMs: settings.alertCooldown,
    },
  };
}

/**
 * Builds the operator from validated config. With a clock it runs in live mode (quiet symbols' clocks move
 * on after the idle timeout); without one it is a replay, driven by the records alone.
 */
export function createOperator(config: Config, output: ProcessorOutput, clock?: Clock): WindowOperator {
  const { settings } = config;
  const idle = clock === undefined ? null : { timeoutMs: settings.idleTimeout, clock };
  return new WindowOperator({ ...processorOptions(settings), idle }, output);
}

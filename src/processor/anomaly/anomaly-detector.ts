import { type Alert, type AlertRule, alertId } from '../../domain/alert.js';
import type { Candle } from '../../domain/candle.js';
import type { Interval } from '../../domain/interval.js';
import { epochMs } from '../../domain/time.js';
import { assignWindowStart } from '../window-assigner.js';
import { type AnomalyOptions, priceSpikeThreshold } from './anomaly-options.js';
import type { ProcessorStats } from '../processor-output.js';
import type { Measurement } from './measurement.js';
import { priceSpike } from './price-spike.js';
import type { SeriesState } from './series-state.js';
import { staleFeed } from './stale-feed.js';
import { volumeSpike } from './volume-spike.js';
import { zscore } from './zscore.js';

/**
 * Runs the anomaly rules on a symbol's closed candles and event-time clock, in event time, with a cooldown
 * per (symbol, rule, interval). Rules see each candle once, when the watermark closes it.
 */
export class AnomalyDetector {
  private readonly enabled: ReadonlySet<AlertRule>;

  constructor(
    private readonly options: AnomalyOptions,
    private readonly stats: Pick<ProcessorStats, 'alerts' | 'alertsSuppressed'>,
    private readonly emit: (alert: Alert) => void,
  ) {
    this.enabled = new Set(options.rules);
  }

  onCandleClosed(series: SeriesState, candle: Candle, interval: Interval): void {
    const { options } = this;
    const ret = series.prevClose === null ? null : candle.close / series.prevClose - 1;
    const at = candle.windowEnd;
    if (this.enabled.has('price_spike')) {
      this.raise(series, candle, 'price_spike', at, priceSpike(ret, priceSpikeThreshold(options, interval)));
    }
    if (this.enabled.has('zscore')) {
      this.raise(
        series,
        candle,
        'zscore',
        at,
        zscore(ret, series.returns, options.zscore.minSamples, options.zscore.k),
      );
    }
    // An unknown volume (no tick carried a size) is neither checked nor taken into the rolling mean.
    if (this.enabled.has('volume_spike') && candle.volume !== null) {
      const { minSamples, factor } = options.volumeSpike;
      this.raise(
        series,
        candle,
        'volume_spike',
        at,
        volumeSpike(candle.volume, series.volumes, minSamples, factor),
      );
    }
    if (ret !== null) series.returns.push(ret);
    if (candle.volume !== null) series.volumes.push(candle.volume);
    series.prevClose = candle.close;
  }

  /** Called when the symbol's watermark advances; `lastEventTime` is the newest tick time before it did. */
  onClockAdvanced(
    series: SeriesState,
    symbol: string,
    interval: Interval,
    lastEventTime: number,
    watermark: number,
  ): void {
    if (!this.enabled.has('stale_feed') || lastEventTime === -Infinity) return;
    if (series.staleReportedFor >= lastEventTime) return;
    const threshold = this.options.staleFeed.windows * interval.ms;
    const found = staleFeed(lastEventTime, watermark, threshold);
    if (found === null) return;
    series.staleReportedFor = lastEventTime;
    const at = epochMs(lastEventTime + threshold);
    const windowStart = epochMs(assignWindowStart(at, interval.ms));
    this.raise(series, { symbol, interval: interval.name, windowStart }, 'stale_feed', at, found);
  }

  private raise(
    series: SeriesState,
    where: Pick<Candle, 'symbol' | 'interval' | 'windowStart'>,
    rule: AlertRule,
    ts: Alert['ts'],
    found: Measurement | null,
  ): void {
    if (found === null) return;
    const last = series.lastAlertTs.get(rule);
    if (last !== undefined && ts < last + this.options.cooldownMs) {
      this.stats.alertsSuppressed++;
      return;
    }
    series.lastAlertTs.set(rule, ts);
    this.stats.alerts++;
    this.emit({
      id: alertId(where.symbol, where.interval, rule, where.windowStart),
      symbol: where.symbol,
      interval: where.interval,
      rule,
      windowStart: where.windowStart,
      value: found.value,
      threshold: found.threshold,
      ts,
    });
  }
}

import type { AlertRule } from '../../domain/alert.js';
import { RollingWindow } from './rolling-window.js';
import type { AnomalyOptions } from './anomaly-options.js';

/** What the detectors remember about one (symbol, interval) series of closed candles. */
export class SeriesState {
  prevClose: number | null = null;
  readonly returns: RollingWindow;
  readonly volumes: RollingWindow;
  /** Event time of the last alert per rule, for the cooldown. */
  readonly lastAlertTs = new Map<AlertRule, number>();
  /** The max event time whose gap a stale_feed alert has already been raised for. */
  staleReportedFor = -Infinity;

  constructor(options: AnomalyOptions, returns: readonly number[] = [], volumes: readonly number[] = []) {
    this.returns = RollingWindow.from(options.zscore.window, returns);
    this.volumes = RollingWindow.from(options.volumeSpike.window, volumes);
  }
}

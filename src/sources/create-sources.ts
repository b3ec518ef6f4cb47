import type { SourceName, Settings } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { createBinanceSource } from './binance.js';
import { createCoinbaseSource } from './coinbase.js';
import { CoinGeckoSource } from './coingecko.js';
import { FileSource } from './file.js';
import { SimulatedSource, type SimulatedOptions } from './simulated.js';
import type { Source } from './source.js';
import { SourceError } from './source-error.js';

/** The simulated market's options from the validated settings, without the logger and the clock. */
export function simulatedOptions(
  settings: Settings,
): Pick<SimulatedOptions, 'symbols' | 'rate' | 'seed' | 'jumps'> {
  return {
    symbols: settings.symbols,
    rate: settings.simulatedRate,
    seed: settings.simulatedSeed,
    jumps: { everyMs: settings.simulatedJumpEvery, size: settings.simulatedJumpSize },
  };
}

function createSource(name: SourceName, settings: Settings, logger: Logger, clock: () => number): Source {
  const stream = {
    logger,
    clock,
    attempts: settings.sourceRetries,
    timeoutMs: settings.sourceTimeout,
    silenceMs: settings.sourceSilence,
  };
  switch (name) {
    case 'coingecko':
      return new CoinGeckoSource({
        baseUrl: settings.coingeckoBaseUrl,
        apiKey: settings.coingeckoApiKey,
        symbols: settings.symbols,
        ids: settings.coingeckoIds,
        pollIntervalMs: settings.pollInterval,
        monthlyCalls: settings.coingeckoMonthlyCalls,
        attempts: settings.sourceRetries,
        timeoutMs: settings.sourceTimeout,
        futureHorizonMs: settings.futureHorizon,
        logger,
        clock,
      });
    case 'coinbase':
      return createCoinbaseSource({
        ...stream,
        wsUrl: settings.coinbaseWsUrl,
        restUrl: settings.coinbaseRestUrl,
        symbols: settings.symbols,
      });
    case 'binance':
      return createBinanceSource({
        ...stream,
        wsUrl: settings.binanceWsUrl,
        restUrl: settings.binanceRestUrl,
        symbols: settings.symbols,
      });
    case 'simulated':
      return new SimulatedSource({ ...simulatedOptions(settings), logger, clock });
    case 'file':
      if (settings.fileInput === '') {
        throw new SourceError(
          'TF_SOURCE_CONFIG',
          'the file source needs a file: set TICKFLOW_FILE_INPUT or --file-input',
          { retriable: false },
        );
      }
      return new FileSource({ path: settings.fileInput, logger, clock });
  }
}

/**
 * Builds the sources named in `settings.sources`, in that order, each with a child logger `{ source }`.
 * Throws a TF_SOURCE_CONFIG SourceError when one cannot be built from the settings.
 */
export function createSources(settings: Settings, logger: Logger, clock: () => number = Date.now): Source[] {
  return settings.sources.map((name) => createSource(name, settings, logger.child({ source: name }), clock));
}

import type { HealthReport } from '../../src/domain/health.js';

/** Health reports and components for the health tests. */
export const report = (
  status: HealthReport['status'],
  components: HealthReport['components'],
): HealthReport => ({
  status,
  components,
});

export const SOURCE_UP = { status: 'up', required: false, lastSuccessAt: 1_700_000_000_000 } as const;
export const SOURCE_DOWN = {
  status: 'down',
  required: false,
  detail: '429 from CoinGecko',
  lastSuccessAt: null,
} as const;
export const STORE_UP = { status: 'up', required: true } as const;
export const STORE_DOWN = { status: 'down', required: true, detail: 'store unavailable' } as const;

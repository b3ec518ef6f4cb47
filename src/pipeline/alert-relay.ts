import { randomUUID } from 'node:crypto';
import { alertToJson } from '../domain/alert.js';
import { ALERTS_TOPIC, type Log, type LogProducer } from '../log/log.js';
import { type BackoffPolicy, backoffDelay } from '../lib/backoff.js';
import { sleep } from '../lib/sleep.js';
import type { Logger } from '../logger.js';
import { timedWrite } from '../metrics/metrics.js';
import type { AlertOutbox } from '../store/store.js';
import { ProblemCounter } from './problem-counter.js';

const BATCH = 500;
/** How long a relay holds the alerts it claimed; if it dies holding them, another takes over after this. */
const LEASE_MS = 30_000;
const IDLE_WAIT_MS = 200;
/** Waits between failed relays: full jitter from 500 ms, capped at 10 s. */
const RETRY_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 10_000 };

/**
 * The outbox relay: alerts committed with the candles are published to `crypto-alerts`, keyed by their
 * deterministic id, at least once. Any number of relays (one per processor) share the outbox: each leases
 * the alerts it publishes, so an alert is published once, and again only when its relay dies holding the
 * lease. An alert is marked published only after the log has it, so a crash in between publishes it again
 * with the same key, which consumers can deduplicate.
 */
export class AlertRelay {
  readonly problems: ProblemCounter;
  private producer: LogProducer | null = null;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | null = null;
  private readonly owner = `relay-${randomUUID()}`;
  published = 0;

  constructor(
    private readonly log: Log,
    private readonly store: AlertOutbox,
    logger: Logger,
  ) {
    this.problems = new ProblemCounter(logger, 'alert-relay');
  }

  start(): Promise<void> {
    this.producer = this.log.producer();
    this.loop = this.run();
    return Promise.resolve();
  }

  /** Publishes what is pending (best effort), then stops. */
  async close(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    await this.relayOnce().catch(() => 0);
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.stopping.signal.aborted) {
      try {
        const sent = await this.relayOnce();
        if (attempt > 0) this.problems.resolved('TF_ALERT_RELAY', 'alert relay recovered');
        attempt = 0;
        if (sent < BATCH) await sleep(IDLE_WAIT_MS, this.stopping.signal);
      } catch (err) {
        this.problems.report('TF_ALERT_RELAY', 'cannot relay alerts to the log; retrying', { err });
        await sleep(backoffDelay(attempt++, RETRY_BACKOFF, Math.random), this.stopping.signal);
      }
    }
  }

  /** Relays one batch; returns how many alerts it published. */
  private async relayOnce(): Promise<number> {
    const producer = this.producer;
    if (producer === null) return 0;
    const pending = await this.store.claimOutbox(this.owner, BATCH, LEASE_MS);
    if (pending.length === 0) return 0;
    await timedWrite('alerts', pending.length, () =>
      producer.send(
        ALERTS_TOPIC,
        pending.map((e) => ({ key: e.alert.id, value: JSON.stringify(alertToJson(e.alert)) })),
      ),
    );
    await this.store.markPublished(pending.map((e) => e.seq));
    this.published += pending.length;
    return pending.length;
  }
}

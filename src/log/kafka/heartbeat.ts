/**
 * A timer that runs `beat` every `intervalMs`, one beat at a time, until stopped. `stop` waits for the
 * beat in flight, so that nothing is sent on the member's behalf once it rejoins or leaves.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | null = null;
  private inflight: Promise<void> | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly beat: () => Promise<void>,
  ) {}

  get running(): boolean {
    return this.timer !== null;
  }

  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => {
      if (this.inflight !== null) return;
      this.inflight = this.beat().finally(() => {
        this.inflight = null;
      });
    }, this.intervalMs);
    // A heartbeat alone must not keep the process alive.
    this.timer.unref();
  }

  /** Stops the timer without waiting (a beat may call this on itself). */
  halt(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  async stop(): Promise<void> {
    this.halt();
    await this.inflight;
  }
}

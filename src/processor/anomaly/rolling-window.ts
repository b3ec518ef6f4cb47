/** The last `capacity` values of a series, oldest first, with their mean and standard deviation. */
export class RollingWindow {
  private readonly values: number[] = [];

  constructor(private readonly capacity: number) {}

  push(value: number): void {
    this.values.push(value);
    if (this.values.length > this.capacity) this.values.shift();
  }

  get count(): number {
    return this.values.length;
  }

  mean(): number {
    let sum = 0;
    for (const v of this.values) sum += v;
    return sum / this.values.length;
  }

  /** Population standard deviation. */
  stddev(mean: number): number {
    let sum = 0;
    for (const v of this.values) sum += (v - mean) * (v - mean);
    return Math.sqrt(sum / this.values.length);
  }

  toArray(): number[] {
    return [...this.values];
  }

  static from(capacity: number, values: readonly number[]): RollingWindow {
    const window = new RollingWindow(capacity);
    for (const v of values) window.push(v);
    return window;
  }
}

/**
 * Neumaier's compensated summation (the improved Kahan–Babuška sum): the running total, and the rounding
 * error every addition lost. The value is accurate to about one rounding of the total whatever the order
 * of the terms, so the same trades in another order give the same volume and VWAP, where a plain sum can
 * differ in its last digits.
 */
export class NeumaierSum {
  constructor(
    public sum = 0,
    public compensation = 0,
  ) {}

  add(x: number): void {
    const t = this.sum + x;
    // Whichever operand is larger in magnitude kept its low bits; recover those of the other.
    if (Math.abs(this.sum) >= Math.abs(x)) this.compensation += this.sum - t + x;
    else this.compensation += x - t + this.sum;
    this.sum = t;
  }

  get value(): number {
    return this.sum + this.compensation;
  }
}

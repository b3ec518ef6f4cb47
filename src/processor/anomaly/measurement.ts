/** What a rule measured when it fired, and the threshold it crossed. */
export interface Measurement {
  readonly value: number;
  readonly threshold: number;
}

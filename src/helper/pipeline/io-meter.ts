// Byte and call counters with a rate per second over each tick interval: the pipeline adds deltas from events
// and samples as they arrive, and `roll` turns what arrived since the previous tick into rates. No smoothing:
// the tick is the sample interval, so one tick's deltas over its length is the sampled rate.

export const IO_DIMENSIONS = [
  'netTxBytes',
  'netRxBytes',
  'diskReadBytes',
  'diskWriteBytes',
  'fileReadBytes',
  'fileWriteBytes',
  'fileOpens',
  'kmallocBytes',
] as const;
export type IoDimension = (typeof IO_DIMENSIONS)[number];
export type IoValues = Record<IoDimension, number>;

export function zeroIo(): IoValues {
  return Object.fromEntries(IO_DIMENSIONS.map((dimension) => [dimension, 0])) as IoValues;
}

export class IoMeter {
  /** Since the meter was created. */
  readonly totals: IoValues = zeroIo();
  /** Over the last rolled interval. */
  ratesPerSecond: IoValues = zeroIo();
  /** Arrived since the last roll. */
  private pending: IoValues = zeroIo();

  add(dimension: IoDimension, amount: number): void {
    this.totals[dimension] += amount;
    this.pending[dimension] += amount;
  }

  /** Ends the interval: rates become pending ÷ elapsed. Returns the interval's deltas. */
  roll(elapsedMs: number): IoValues {
    const deltas = this.pending;
    const rates = zeroIo();
    if (elapsedMs > 0) for (const dimension of IO_DIMENSIONS) rates[dimension] = (deltas[dimension] * 1000) / elapsedMs;
    this.ratesPerSecond = rates;
    this.pending = zeroIo();
    return deltas;
  }
}

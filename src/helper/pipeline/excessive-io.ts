// Excessive I/O: a rate at or above a threshold for a sustained time. Fires once per episode; a tick below the
// threshold ends the episode and re-arms it, so a short blip never fires and a long burst fires exactly once.

export interface SustainedRateResult {
  /** Start of the current episode above the threshold. */
  sinceMs: number;
  sustainedMs: number;
  /** Mean rate over the episode so far. */
  bytesPerSecond: number;
  /** true on the one update that crossed `sustainedMs`. */
  fired: boolean;
}

export class SustainedRateDetector {
  private episode: { sinceMs: number; bytes: number; fired: boolean } | null = null;

  /**
   * Feeds one interval: `bytes` moved in the `elapsedMs` ending at `nowMs`. Returns the episode state while
   * above the threshold, null otherwise. A null threshold disables detection.
   */
  update(
    nowMs: number,
    elapsedMs: number,
    bytes: number,
    thresholdBytesPerSecond: number | null,
    sustainedMs: number,
  ): SustainedRateResult | null {
    const rate = elapsedMs > 0 ? (bytes * 1000) / elapsedMs : 0;
    if (thresholdBytesPerSecond === null || elapsedMs <= 0 || rate < thresholdBytesPerSecond) {
      this.episode = null;
      return null;
    }
    this.episode ??= { sinceMs: nowMs - elapsedMs, bytes: 0, fired: false };
    this.episode.bytes += bytes;
    const duration = nowMs - this.episode.sinceMs;
    const fired = !this.episode.fired && duration >= sustainedMs;
    if (fired) this.episode.fired = true;
    return {
      sinceMs: this.episode.sinceMs,
      sustainedMs: duration,
      bytesPerSecond: (this.episode.bytes * 1000) / duration,
      fired,
    };
  }
}

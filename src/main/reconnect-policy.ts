// When to try the helper again: exponential backoff with jitter, capped, reset once a connection has held.

export interface ReconnectPolicyOptions {
  /** First retry delay. Default 500 ms. */
  initialDelayMs?: number;
  /** Ceiling. Default 10 s: a parent who just started the helper should not wait long. */
  maxDelayMs?: number;
  /** Growth per failed attempt. Default 2. */
  factor?: number;
  /** ± fraction of randomness so many clients do not retry in lockstep. Default 0.2. */
  jitter?: number;
  /** A connection that stayed up this long counts as healthy: the next drop starts from the initial delay. */
  stableAfterMs?: number;
  random?: () => number;
}

export class ReconnectPolicy {
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly stableAfterMs: number;
  private readonly random: () => number;
  private failures = 0;

  constructor(options: ReconnectPolicyOptions = {}) {
    this.initialDelayMs = options.initialDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
    this.factor = options.factor ?? 2;
    this.jitter = options.jitter ?? 0.2;
    this.stableAfterMs = options.stableAfterMs ?? 30_000;
    this.random = options.random ?? Math.random;
    if (!(this.initialDelayMs > 0) || this.maxDelayMs < this.initialDelayMs || this.factor < 1) {
      throw new RangeError('reconnect policy needs 0 < initialDelayMs <= maxDelayMs and factor >= 1');
    }
    if (this.jitter < 0 || this.jitter >= 1) throw new RangeError('jitter must be in [0, 1)');
  }

  /** Failed attempts since the last healthy connection. */
  get attempts(): number {
    return this.failures;
  }

  /** The delay before the next attempt, after one more failure. */
  nextDelayMs(): number {
    const base = Math.min(this.maxDelayMs, this.initialDelayMs * this.factor ** this.failures);
    this.failures++;
    const spread = base * this.jitter * (2 * this.random() - 1);
    return Math.round(Math.min(this.maxDelayMs, Math.max(this.initialDelayMs * (1 - this.jitter), base + spread)));
  }

  /** A connection ended after `upForMs`: if it had been healthy, backoff starts over. */
  connectionEnded(upForMs: number): void {
    if (upForMs >= this.stableAfterMs) this.failures = 0;
  }

  /** Start over (e.g. the parent just started the helper). */
  reset(): void {
    this.failures = 0;
  }
}

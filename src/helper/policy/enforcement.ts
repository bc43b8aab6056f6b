// What every kernel enforcement module (network limiter, disk throttle) reports: whether the kernel enforces a
// limit, or why not — in which case the helper only alerts on it.

export type EnforcementResult = { enforced: true } | { enforced: false; reason: string };

export interface EnforcementStatus {
  available: boolean;
  /** Why enforcement is unavailable, phrased for a parent or sysadmin; null when available. */
  reason: string | null;
}

export function notEnforced(reason: string): EnforcementResult {
  return { enforced: false, reason };
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

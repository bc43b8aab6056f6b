// Argument checks shared by the query modules.
import { InvalidArgumentError } from './errors.js';

/** Profile ids are positive; 0 is what the kernel reports for an unwatched account, never stored. */
export function assertProfileId(profileId: number): number {
  if (!isWatchedProfileId(profileId)) {
    throw new InvalidArgumentError(`profile id must be a whole number ≥ 1, got ${String(profileId)}`);
  }
  return profileId;
}

export function isWatchedProfileId(profileId: number): boolean {
  return Number.isInteger(profileId) && profileId > 0;
}

export function assertTimeRange(fromMs: number, toMs: number): void {
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || fromMs > toMs) {
    throw new InvalidArgumentError(`time range must have from ≤ to, got ${fromMs}..${toMs}`);
  }
}

export function assertLimit(limit: number, max: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new InvalidArgumentError(`limit must be a whole number from 1 to ${max}, got ${limit}`);
  }
  return limit;
}

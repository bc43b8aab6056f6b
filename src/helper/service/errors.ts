// Store and lookup failures → protocol errors with messages a parent can act on.
import { HelperError } from '../server/index.js';
import {
  AccountInUseError,
  DuplicateProfileNameError,
  InvalidArgumentError,
  ProfileNotFoundError,
} from '../store/index.js';
import { AccountLookupError } from '../system/accounts.js';
import { UnknownMonitorError } from '../bpf/monitor-set.js';

/** Runs `work`, turning expected errors into HelperErrors; anything else stays internal. */
export async function asProtocolErrors<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HelperError) throw error;
    if (error instanceof ProfileNotFoundError || error instanceof UnknownMonitorError) {
      throw new HelperError('not_found', error.message);
    }
    if (error instanceof DuplicateProfileNameError || error instanceof AccountInUseError) {
      throw new HelperError('conflict', error.message);
    }
    if (error instanceof InvalidArgumentError || error instanceof AccountLookupError || error instanceof RangeError) {
      throw new HelperError('bad_request', error.message);
    }
    throw error;
  }
}

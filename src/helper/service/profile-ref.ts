// A profile named by id or name in a request → the stored profile, or not_found.
import type { ProfileRef } from '../../shared/protocol.js';
import type { Profile } from '../../shared/model.js';
import { HelperError } from '../server/index.js';
import type { Store } from '../store/index.js';

export function resolveProfile(store: Store, ref: ProfileRef): Profile {
  const profile = typeof ref === 'number' ? store.profiles.get(ref) : store.profiles.getByName(ref);
  if (!profile) {
    throw new HelperError('not_found', typeof ref === 'number' ? `no profile with id ${ref}` : `no profile named "${ref}"`);
  }
  return profile;
}

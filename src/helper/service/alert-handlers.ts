// alerts.*: what the parent is told, and acknowledging it.
import { HelperError, type HandlerTable } from '../server/index.js';
import type { HelperContext } from './context.js';
import { resolveProfile } from './profile-ref.js';

type AlertHandlers = Pick<HandlerTable, 'alerts.list' | 'alerts.ack'>;

export function alertHandlers(ctx: HelperContext): AlertHandlers {
  const { store } = ctx;
  return {
    // The server strips the store's extra columns (dedup key) against the result schema.
    'alerts.list': ({ profile, sinceMs, unacknowledgedOnly, limit }) =>
      store.alerts.list({
        profileId: profile === undefined ? undefined : resolveProfile(store, profile).id,
        sinceMs,
        unacknowledgedOnly,
        limit,
      }),

    'alerts.ack': ({ ids, profile }) => {
      // The schema admits either ids or all: true, so without ids this acknowledges all.
      if (ids) {
        if (profile !== undefined) {
          const profileId = resolveProfile(store, profile).id;
          const foreign = ids.filter((id) => store.alerts.get(id)?.profileId !== profileId);
          if (foreign.length) throw new HelperError('not_found', `no alert ${foreign.join(', ')} for that profile`);
        }
        return { acknowledged: store.alerts.acknowledgeMany(ids) };
      }
      const targets = profile === undefined ? store.profiles.list() : [resolveProfile(store, profile)];
      return { acknowledged: targets.reduce((n, p) => n + store.alerts.acknowledgeAll(p.id), 0) };
    },
  };
}

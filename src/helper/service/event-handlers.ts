// events.query: a profile's stored events of one table, newest first.
import type { HandlerTable } from '../server/index.js';
import type { HelperContext } from './context.js';
import { asProtocolErrors } from './errors.js';
import { resolveProfile } from './profile-ref.js';
import { MAX_EVENT_QUERY_LIMIT } from '../store/events.js';

type EventHandlers = Pick<HandlerTable, 'events.query'>;

const DAY_MS = 86_400_000;

export function eventHandlers(ctx: HelperContext): EventHandlers {
  const { store } = ctx;
  return {
    'events.query': ({ profile, table, sinceMs, untilMs, limit }) =>
      asProtocolErrors(() => {
        const profileId = resolveProfile(store, profile).id;
        const toMs = untilMs ?? Date.now() + 1;
        // One more than asked tells whether there is more; at the store's maximum (which is the protocol's) it
        // cannot be asked for one more, so a full page says "maybe more".
        const probe = Math.min(limit + 1, MAX_EVENT_QUERY_LIMIT);
        const rows = store.events.list({ profileId, table, fromMs: sinceMs ?? toMs - DAY_MS, toMs, limit: probe });
        const hasMore = rows.length > limit || (probe === limit && rows.length === limit);
        return { rows: rows.slice(0, limit), hasMore };
      }),
  };
}

// timeRules.*: allowed hours and daily budgets, stored in the profile's limits (`time`) and applied at once; and
// profiles.create's age-group presets, which fill every limit of a new profile.
import { presetLimits, timeRulesOf } from '../../shared/time-rules.js';
import type { Handler, HandlerTable } from '../server/index.js';
import type { HelperContext } from './context.js';
import { asProtocolErrors } from './errors.js';
import { resolveProfile } from './profile-ref.js';

type TimeHandlers = Pick<HandlerTable, 'timeRules.get' | 'timeRules.set' | 'timeRules.status'>;

export function timeHandlers(ctx: HelperContext): TimeHandlers {
  const { store, enforcer } = ctx;
  return {
    'timeRules.get': ({ profile }) => timeRulesOf(resolveProfile(store, profile).limits),

    'timeRules.set': ({ profile, rules }) =>
      asProtocolErrors(async () => {
        const target = resolveProfile(store, profile);
        const updated = store.profiles.setLimits(target.id, { ...target.limits, time: rules });
        await enforcer.applyProfile(updated);
        return timeRulesOf(updated.limits);
      }),

    'timeRules.status': ({ profile }) => enforcer.time.status(resolveProfile(store, profile), Date.now()),
  };
}

/**
 * profiles.create with `ageGroup`: the profile is created as usual, then given the group's preset limits (memory,
 * disk, network, allowed hours, screen time) and applied. Wraps the plain handler rather than changing it, so
 * creating without an age group stays exactly what it was.
 */
export function withAgePresets(
  ctx: HelperContext,
  create: Handler<'profiles.create'>,
): Handler<'profiles.create'> {
  return async (params, caller) => {
    const created = await create(params, caller);
    if (params.ageGroup === undefined) return created;
    return asProtocolErrors(async () => {
      const updated = ctx.store.profiles.setLimits(created.id, presetLimits(params.ageGroup!));
      await ctx.enforcer.applyProfile(updated);
      return updated;
    });
  };
}

// limits.* and apps.*: a child's limits and blocked programs, stored and pushed into the kernel in one step.
import { applyLimitsPatch } from '../../shared/protocol.js';
import { HelperError, type HandlerTable } from '../server/index.js';
import type { HelperContext } from './context.js';
import { asProtocolErrors } from './errors.js';
import { resolveProfile } from './profile-ref.js';

type LimitHandlers = Pick<HandlerTable, 'limits.get' | 'limits.set' | 'apps.block' | 'apps.unblock'>;

const basename = (file: string) => file.slice(file.lastIndexOf('/') + 1);

export function limitHandlers(ctx: HelperContext): LimitHandlers {
  const { store, enforcer } = ctx;

  return {
    'limits.get': ({ profile }) => resolveProfile(store, profile).limits,

    'limits.set': ({ profile, limits }) =>
      asProtocolErrors(async () => {
        const target = resolveProfile(store, profile);
        const updated = store.profiles.setLimits(target.id, applyLimitsPatch(target.limits, limits));
        await enforcer.applyProfile(updated);
        return updated.limits;
      }),

    'apps.block': ({ profile, app }) =>
      asProtocolErrors(async () => {
        const target = resolveProfile(store, profile);
        let blocked;
        try {
          blocked = await enforcer.resolveApp(app);
        } catch (error) {
          throw new HelperError('bad_request', (error as Error).message);
        }
        const others = target.limits.blockedApps.filter((b) => b.sha256 !== blocked.sha256);
        const updated = store.profiles.setLimits(target.id, { ...target.limits, blockedApps: [...others, blocked] });
        await enforcer.applyProfile(updated);
        return blocked;
      }),

    'apps.unblock': ({ profile, app }) =>
      asProtocolErrors(async () => {
        const target = resolveProfile(store, profile);
        const matches = (b: { name: string; path: string; sha256: string }) =>
          b.name === app || b.path === app || basename(b.path) === app || b.sha256 === app;
        if (!target.limits.blockedApps.some(matches)) {
          throw new HelperError('not_found', `"${app}" is not blocked for ${target.name}`);
        }
        const remaining = target.limits.blockedApps.filter((b) => !matches(b));
        const updated = store.profiles.setLimits(target.id, { ...target.limits, blockedApps: remaining });
        await enforcer.applyProfile(updated);
        return null;
      }),
  };
}

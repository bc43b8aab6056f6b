// profiles.*: children's profiles and the Linux accounts they watch. Every change is pushed into the kernel at once.
import type { Profile } from '../../shared/model.js';
import { HelperError, type HandlerTable } from '../server/index.js';
import { accountByName, accountByUid } from '../system/accounts.js';
import type { HelperContext } from './context.js';
import { asProtocolErrors } from './errors.js';
import { resolveProfile } from './profile-ref.js';

type ProfileHandlers = Pick<
  HandlerTable,
  | 'profiles.list'
  | 'profiles.get'
  | 'profiles.create'
  | 'profiles.rename'
  | 'profiles.delete'
  | 'profiles.addAccount'
  | 'profiles.removeAccount'
>;

interface AccountToAdd {
  uid: number;
  username: string | null;
}

async function accountFromUsername(username: string): Promise<AccountToAdd> {
  const entry = await accountByName(username);
  if (!entry) throw new HelperError('not_found', `no Linux account named "${username}" on this machine`);
  return { uid: entry.uid, username: entry.username };
}

async function accountFromUid(uid: number): Promise<AccountToAdd> {
  if (uid === 0) throw new HelperError('bad_request', 'the root account cannot be a child account');
  return { uid, username: (await accountByUid(uid))?.username ?? null };
}

function assertFree(ctx: HelperContext, account: AccountToAdd, except?: number): void {
  const owner = ctx.store.profiles.getByUid(account.uid);
  if (owner && owner.id !== except) {
    const who = account.username ?? `uid ${account.uid}`;
    throw new HelperError('conflict', `account ${who} already belongs to profile "${owner.name}"`);
  }
}

export function profileHandlers(ctx: HelperContext): ProfileHandlers {
  const { store, enforcer } = ctx;
  const apply = async (profile: Profile) => {
    await enforcer.applyProfile(profile);
    return profile;
  };

  return {
    'profiles.list': () => store.profiles.list(),

    'profiles.get': ({ profile }) => resolveProfile(store, profile),

    'profiles.create': ({ name, uids = [], usernames = [] }) =>
      asProtocolErrors(async () => {
        if (store.profiles.getByName(name)) throw new HelperError('conflict', `a profile named "${name}" exists`);
        const accounts = [
          ...(await Promise.all(uids.map(accountFromUid))),
          ...(await Promise.all(usernames.map(accountFromUsername))),
        ];
        const seen = new Set<number>();
        for (const account of accounts) {
          if (seen.has(account.uid)) throw new HelperError('bad_request', `uid ${account.uid} is listed twice`);
          seen.add(account.uid);
          assertFree(ctx, account);
        }
        // All checks passed: create, then add accounts (the store refuses a uid that raced into another profile).
        let profile = store.profiles.create({ name });
        for (const account of accounts) profile = store.profiles.addAccount(profile.id, account.uid, account.username);
        return apply(profile);
      }),

    'profiles.rename': ({ profile, name }) =>
      asProtocolErrors(() => store.profiles.rename(resolveProfile(store, profile).id, name)),

    'profiles.delete': ({ profile }) =>
      asProtocolErrors(async () => {
        const existing = resolveProfile(store, profile);
        await enforcer.removeProfile(existing);
        store.profiles.remove(existing.id);
        return null;
      }),

    'profiles.addAccount': ({ profile, uid, username }) =>
      asProtocolErrors(async () => {
        const target = resolveProfile(store, profile);
        const account = username !== undefined ? await accountFromUsername(username) : await accountFromUid(uid!);
        assertFree(ctx, account, target.id);
        if (target.accounts.some((a) => a.uid === account.uid)) return target;
        return apply(store.profiles.addAccount(target.id, account.uid, account.username));
      }),

    'profiles.removeAccount': ({ profile, uid }) =>
      asProtocolErrors(async () => {
        const target = resolveProfile(store, profile);
        if (!target.accounts.some((a) => a.uid === uid)) {
          throw new HelperError('not_found', `uid ${uid} is not an account of profile "${target.name}"`);
        }
        store.profiles.removeAccount(uid);
        enforcer.releaseAccount(uid);
        return resolveProfile(store, target.id);
      }),
  };
}

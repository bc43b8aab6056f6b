// dots-family-ctl profile …: profiles, their accounts, limits and blocked apps.
import type { Command } from 'commander';
import { CliError, ExitCode, UsageError } from '../exit-codes.js';
import { LIMIT_COMMANDS, limitsPatchFor, type DirectionOptions, type LimitCommandName } from '../limits-args.js';
import { formatBlockedApp, formatLimits, formatProfileList } from '../output.js';
import { formatProfileWithTime } from '../output-time.js';
import { absoluteApp, parseAccount, parseAgeGroup, parseProfileRef, parseUid } from '../query-args.js';
import type { Session } from '../session.js';
import { collect, withSession, type CliContext } from './common.js';

/** "alice" or "1001" → the uid of that account in the profile. */
async function accountUid(session: Session, profileText: string, accountText: string): Promise<number> {
  const account = parseAccount(accountText);
  if ('uid' in account) return account.uid;
  const profile = await session.call('profiles.get', { profile: parseProfileRef(profileText) });
  const found = profile.accounts.find((a) => a.username === account.username);
  if (!found) {
    throw new CliError(
      `account ${account.username} is not in profile "${profile.name}"`,
      ExitCode.HelperError,
      `its accounts: ${profile.accounts.map((a) => a.username ?? a.uid).join(', ') || 'none'}`,
    );
  }
  return found.uid;
}

function registerLimitCommand(profile: Command, ctx: CliContext, name: LimitCommandName): void {
  const spec = LIMIT_COMMANDS[name];
  const command = profile
    .command(`${name} <profile> <value>`)
    .description(`${spec.summary}; e.g. ${spec.example}, or 'none' to remove it`);
  if ('directional' in spec) {
    command.option('--upload', 'only the upload direction').option('--download', 'only the download direction');
  }
  command.action((profileText: string, value: string, options: DirectionOptions, cmd: Command) =>
    withSession(ctx, cmd, async (session) => {
      const limits = limitsPatchFor(name, value, options);
      const result = await session.call('limits.set', { profile: parseProfileRef(profileText), limits });
      session.print(result, (l) => `Limits of "${profileText}" now:\n${formatLimits(l, '  ')}`);
    }),
  );
}

export function registerProfileCommands(program: Command, ctx: CliContext): void {
  const profile = program.command('profile').description("children's profiles: accounts, limits, blocked apps");

  profile
    .command('list')
    .description('every profile with its accounts and limits')
    .action((_options: object, cmd: Command) =>
      withSession(ctx, cmd, async (session) => {
        session.print(await session.call('profiles.list', {}), formatProfileList);
      }),
    );

  profile
    .command('show <profile>')
    .description("one profile's accounts, limits and blocked apps (by name or id)")
    .action((profileText: string, _options: object, cmd: Command) =>
      withSession(ctx, cmd, async (session) => {
        const found = await session.call('profiles.get', { profile: parseProfileRef(profileText) });
        session.print(found, formatProfileWithTime);
      }),
    );

  profile
    .command('create <name>')
    .description('a new profile, optionally with the Linux accounts it watches')
    .option('--user <login>', 'a login name to watch (repeatable)', collect, [])
    .option('--uid <uid>', 'a uid to watch (repeatable)', collect, [])
    .option('--age-group <ages>', 'start from the limits and time rules for 5-7, 8-12 or 13-17 year olds')
    .action((name: string, options: { user: string[]; uid: string[]; ageGroup?: string }, cmd: Command) =>
      withSession(ctx, cmd, async (session) => {
        const uids = options.uid.map(parseUid);
        const created = await session.call('profiles.create', {
          name,
          ...(uids.length ? { uids } : {}),
          ...(options.user.length ? { usernames: options.user } : {}),
          ...(options.ageGroup === undefined ? {} : { ageGroup: parseAgeGroup(options.ageGroup) }),
        });
        session.note(`Created profile "${created.name}" (id ${created.id}).`);
        session.print(created, formatProfileWithTime);
      }),
    );

  profile
    .command('delete <profile>')
    .description('delete a profile: its limits, alerts and recorded history go with it')
    .option('--yes', 'confirm the deletion')
    .action((profileText: string, options: { yes?: boolean }, cmd: Command) =>
      withSession(ctx, cmd, async (session) => {
        if (!options.yes) {
          throw new UsageError(
            `not deleting profile "${profileText}" without --yes`,
            'deleting stops watching its accounts and removes its limits, alerts and history; add --yes to confirm',
          );
        }
        const result = await session.call('profiles.delete', { profile: parseProfileRef(profileText) });
        session.print(result, () => `Deleted profile "${profileText}".`);
      }),
    );

  profile
    .command('add-account <profile> <account>')
    .description('watch a Linux account (login name or uid) under this profile')
    .action((profileText: string, accountText: string, _options: object, cmd: Command) =>
      withSession(ctx, cmd, async (session) => {
        const updated = await session.call('profiles.addAccount', {
          profile: parseProfileRef(profileText),
          ...parseAccount(accountText),
        });
        session.print(updated, formatProfileWithTime);
      }),
    );

  profile
    .command('remove-account <profile> <account>')
    .description('stop watching an account (uid or login name)')
    .action((profileText: string, accountText: string, _options: object, cmd: Command) =>
      withSession(ctx, cmd, async (session) => {
        const uid = await accountUid(session, profileText, accountText);
        const updated = await session.call('profiles.removeAccount', { profile: parseProfileRef(profileText), uid });
        session.print(updated, formatProfileWithTime);
      }),
    );

  for (const name of Object.keys(LIMIT_COMMANDS) as LimitCommandName[]) registerLimitCommand(profile, ctx, name);

  profile
    .command('block-app <profile> <app>')
    .description('stop a program (command name or path) at launch, copies and renamed copies included')
    .action((profileText: string, app: string, _options: object, cmd: Command) =>
      withSession(ctx, cmd, async (session) => {
        const blocked = await session.call('apps.block', {
          profile: parseProfileRef(profileText),
          app: absoluteApp(app, ctx.cwd),
        });
        session.print(blocked, (b) => `Blocked for "${profileText}": ${formatBlockedApp(b)}`);
      }),
    );

  profile
    .command('unblock-app <profile> <app>')
    .description('allow a blocked program again (its name, path or sha256)')
    .action((profileText: string, app: string, _options: object, cmd: Command) =>
      withSession(ctx, cmd, async (session) => {
        const result = await session.call('apps.unblock', {
          profile: parseProfileRef(profileText),
          app: absoluteApp(app, ctx.cwd),
        });
        session.print(result, () => `Unblocked ${app} for "${profileText}".`);
      }),
    );
}

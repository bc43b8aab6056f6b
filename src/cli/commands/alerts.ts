// dots-family-ctl alerts …: what the helper reported, and acknowledging it.
import type { Command } from 'commander';
import { UsageError } from '../exit-codes.js';
import { formatAlerts } from '../output-activity.js';
import { parsePositiveInt, parseProfileRef, parseQueryLimit, parseSince } from '../query-args.js';
import { profileNames, withSession, type CliContext } from './common.js';

export function registerAlertCommands(program: Command, ctx: CliContext): void {
  const alerts = program.command('alerts').description('alerts: limits broken, programs stopped');

  alerts
    .command('list')
    .description('alerts, newest first')
    .option('--profile <profile>', "only this profile's (name or id)")
    .option('--since <when>', 'only newer: a duration back (2h, 7d), today, or a date (2025-06-01T14:00)')
    .option('--unacked', 'only alerts not acknowledged yet')
    .option('--limit <n>', 'at most this many', '500')
    .action(
      (options: { profile?: string; since?: string; unacked?: boolean; limit: string }, cmd: Command) =>
        withSession(ctx, cmd, async (session) => {
          const params = {
            ...(options.profile === undefined ? {} : { profile: parseProfileRef(options.profile) }),
            ...(options.since === undefined ? {} : { sinceMs: parseSince(options.since, ctx.now()) }),
            ...(options.unacked ? { unacknowledgedOnly: true } : {}),
            limit: parseQueryLimit(options.limit),
          };
          const list = await session.call('alerts.list', params);
          const names = session.json ? new Map<number, string>() : await profileNames(session);
          session.print(list, (l) => formatAlerts(l, names));
        }),
    );

  alerts
    .command('ack [ids...]')
    .description('acknowledge alerts by id, or --all (of --profile, or of every profile)')
    .option('--all', 'every unacknowledged alert')
    .option('--profile <profile>', "with --all: only this profile's; with ids: check they are this profile's")
    .action((idTexts: string[], options: { all?: boolean; profile?: string }, cmd: Command) =>
      withSession(ctx, cmd, async (session) => {
        if ((idTexts.length > 0) === (options.all === true)) {
          const hint = 'see the ids: dots-family-ctl alerts list --unacked';
          throw new UsageError('give alert ids or --all (not both)', hint);
        }
        const ids = idTexts.map((id) => parsePositiveInt(id, 'an alert id'));
        const result = await session.call('alerts.ack', {
          ...(options.all ? { all: true } : { ids }),
          ...(options.profile === undefined ? {} : { profile: parseProfileRef(options.profile) }),
        });
        session.print(result, (r) => `Acknowledged ${r.acknowledged} alert${r.acknowledged === 1 ? '' : 's'}.`);
      }),
    );
}

// dots-family-ctl usage | events: a profile's recorded activity.
import type { Command } from 'commander';
import { formatEvents, formatUsage } from '../output-activity.js';
import { parseBucket, parseEventTable, parseProfileRef, parseQueryLimit, parseSince } from '../query-args.js';
import { withSession, type CliContext } from './common.js';

const SINCE_HELP = 'from: a duration back (2h, 7d), today, or a date (2025-06-01T14:00)';

export function registerActivityCommands(program: Command, ctx: CliContext): void {
  program
    .command('usage <profile>')
    .description("a profile's usage per hour or day: active time, network, disk, files, memory")
    .option('--since <when>', SINCE_HELP, '7d')
    .option('--bucket <size>', 'minute, hour or day', 'day')
    .option('--by-app', 'one row per application')
    .action(
      (profileText: string, options: { since: string; bucket: string; byApp?: boolean }, cmd: Command) =>
        withSession(ctx, cmd, async (session) => {
          const rollups = await session.call('usage.query', {
            profile: parseProfileRef(profileText),
            sinceMs: parseSince(options.since, ctx.now()),
            bucket: parseBucket(options.bucket),
            ...(options.byApp ? { byApp: true } : {}),
          });
          session.print(rollups, formatUsage);
        }),
    );

  program
    .command('events <profile> <table>')
    .description("a profile's recorded events, newest first; table: process, file, network, memory, disk_io")
    .option('--since <when>', `${SINCE_HELP} (default: the last day)`)
    .option('--limit <n>', 'at most this many', '50')
    .action((profileText: string, tableText: string, options: { since?: string; limit: string }, cmd: Command) =>
      withSession(ctx, cmd, async (session) => {
        const table = parseEventTable(tableText);
        const result = await session.call('events.query', {
          profile: parseProfileRef(profileText),
          table,
          ...(options.since === undefined ? {} : { sinceMs: parseSince(options.since, ctx.now()) }),
          limit: parseQueryLimit(options.limit),
        });
        session.print(result, (r) => formatEvents(table, r.rows, r.hasMore));
      }),
    );
}

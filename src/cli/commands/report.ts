// dots-family-ctl report daily | weekly | export: a child's usage over a day or week, and raw usage as JSON or CSV.
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../exit-codes.js';
import { formatReport } from '../output-time.js';
import { parseBucket, parseProfileRef, parseSince } from '../query-args.js';
import { withSession, type CliContext } from './common.js';

const WHEN_HELP = 'a duration back (2h, 7d), today, or a date (2025-06-01, 2025-06-01T14:00)';
const EXPORT_FORMATS = ['json', 'csv'] as const;

function parseWhen(text: string, flag: string, nowMs: number): number {
  try {
    return parseSince(text, nowMs);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    throw new UsageError(error.message.replace(/^--since/, flag), error.hint?.replaceAll('--since', flag));
  }
}

function parseFormat(text: string): (typeof EXPORT_FORMATS)[number] {
  if (!(EXPORT_FORMATS as readonly string[]).includes(text)) {
    throw new UsageError(`--format must be json or csv, not '${text}'`);
  }
  return text as (typeof EXPORT_FORMATS)[number];
}

interface ExportOptions {
  since: string;
  until: string;
  format: string;
  bucket?: string;
  output?: string;
}

export function registerReportCommands(program: Command, ctx: CliContext): void {
  const report = program.command('report').description("a child's usage reports: daily, weekly, and export");

  report
    .command('daily <profile>')
    .description('one day: screen time vs budget, top apps, network and disk users, memory peaks, alerts')
    .option('--date <YYYY-MM-DD>', 'the local day (default today)')
    .action((profileText: string, options: { date?: string }, cmd: Command) =>
      withSession(ctx, cmd, async (session) => {
        const result = await session.call('reports.daily', {
          profile: parseProfileRef(profileText),
          ...(options.date === undefined ? {} : { date: options.date }),
        });
        session.print(result, formatReport);
      }),
    );

  report
    .command('weekly <profile>')
    .description('the Monday-to-Sunday week, with one line per day')
    .option('--week-of <YYYY-MM-DD>', 'any day of the week (default this week)')
    .action((profileText: string, options: { weekOf?: string }, cmd: Command) =>
      withSession(ctx, cmd, async (session) => {
        const result = await session.call('reports.weekly', {
          profile: parseProfileRef(profileText),
          ...(options.weekOf === undefined ? {} : { weekOf: options.weekOf }),
        });
        session.print(result, formatReport);
      }),
    );

  report
    .command('export <profile>')
    .description('usage per application and bucket as JSON or CSV, to a file or stdout (exactly as the helper made it)')
    .requiredOption('--since <when>', `from: ${WHEN_HELP}`)
    .requiredOption('--until <when>', `to: ${WHEN_HELP}`)
    .requiredOption('--format <format>', 'json or csv')
    .option('--bucket <size>', 'minute, hour or day (default day)')
    .option('-o, --output <file>', 'write to this file (mode 0644) instead of stdout')
    .action((profileText: string, options: ExportOptions, cmd: Command) =>
      withSession(ctx, cmd, async (session) => {
        const nowMs = ctx.now();
        const result = await session.call('reports.export', {
          profile: parseProfileRef(profileText),
          sinceMs: parseWhen(options.since, '--since', nowMs),
          untilMs: parseWhen(options.until, '--until', nowMs),
          format: parseFormat(options.format),
          ...(options.bucket === undefined ? {} : { bucket: parseBucket(options.bucket) }),
        });
        if (options.output === undefined) {
          ctx.output.stdout(result.text);
          return;
        }
        const file = path.resolve(ctx.cwd, options.output);
        writeFileSync(file, result.text, { mode: 0o644 });
        chmodSync(file, 0o644); // an existing file keeps its mode, and umask narrows a new one
        const rows = `${result.rowCount} row${result.rowCount === 1 ? '' : 's'}`;
        session.print({ file, format: result.format, bucket: result.bucket, rowCount: result.rowCount }, () =>
          `Wrote ${rows} (${result.format}, per ${result.bucket}) to ${file}`,
        );
      }),
    );
}

// dots-family-ctl status | whoami | monitor …: the helper's health and the caller's standing.
import type { Command } from 'commander';
import { formatHelperStatus, formatMonitors, formatSelfStatus } from '../output-activity.js';
import { parseMonitorName } from '../query-args.js';
import { withSession, type CliContext } from './common.js';

export function registerStatusCommands(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description("the helper's version, database and monitors")
    .action((_options: object, cmd: Command) =>
      withSession(ctx, cmd, async (session) => {
        const [helper, monitors] = await Promise.all([
          session.call('helper.status', {}),
          session.call('monitors.list', {}),
        ]);
        session.print({ helper, monitors }, (s) => formatHelperStatus(s.helper, s.monitors));
      }),
    );

  program
    .command('whoami')
    .description('who the helper takes you for: a parent, or a child with its limits and today')
    .action((_options: object, cmd: Command) =>
      withSession(ctx, cmd, async (session) => {
        session.print(await session.call('self.status', {}), formatSelfStatus);
      }),
    );

  const monitor = program.command('monitor').description('the eBPF monitors');
  monitor
    .command('list')
    .description('each monitor with its state, probes and event rate')
    .action((_options: object, cmd: Command) =>
      withSession(ctx, cmd, async (session) => {
        session.print(await session.call('monitors.list', {}), formatMonitors);
      }),
    );
  for (const action of ['enable', 'disable'] as const) {
    monitor
      .command(`${action} <name>`)
      .description(`${action} a monitor at run time (process, filesystem, network, memory, disk-io)`)
      .action((nameText: string, _options: object, cmd: Command) =>
        withSession(ctx, cmd, async (session) => {
          const status = await session.call(`monitors.${action}`, { name: parseMonitorName(nameText) });
          session.print(status, (s) => formatMonitors([s]));
        }),
      );
  }
}

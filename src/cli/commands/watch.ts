// dots-family-ctl watch: live metrics and alerts until Ctrl-C. With --json, one push message per line (NDJSON).
import type { Command } from 'commander';
import type { Topic } from '../../shared/protocol.js';
import { formatAlertLine, formatMetricsLine } from '../output-activity.js';
import { profileNames, withSession, type CliContext } from './common.js';

export function registerWatchCommand(program: Command, ctx: CliContext): void {
  program
    .command('watch')
    .description('print live numbers and alerts as the helper pushes them, until Ctrl-C')
    .option('--alerts-only', 'only alerts, no metrics')
    .action((options: { alertsOnly?: boolean }, cmd: Command) =>
      withSession(ctx, cmd, async (session) => {
        const names = session.json ? new Map<number, string>() : await profileNames(session);
        const client = await session.connection();
        const topics: Topic[] = options.alertsOnly ? ['alerts'] : ['metrics', 'alerts'];
        await new Promise<void>((resolve, reject) => {
          const stopInterrupt = ctx.onInterrupt(() => {
            stopDisconnect();
            resolve();
          });
          const stopDisconnect = client.onDisconnect((error) => {
            stopInterrupt();
            if (error) reject(error);
            else resolve();
          });
          client
            .subscribe(topics, (message) => {
              if (session.json) {
                ctx.output.stdout(JSON.stringify(message) + '\n');
              } else if (message.push === 'metrics') {
                for (const m of message.data) ctx.output.stdout(formatMetricsLine(m, names) + '\n');
              } else if (message.push === 'alert') {
                ctx.output.stdout(formatAlertLine(message.data, names) + '\n');
              }
            })
            .then(() => session.note(`Watching ${topics.join(' and ')}; Ctrl-C to stop.`))
            .catch((error: unknown) => {
              stopInterrupt();
              stopDisconnect();
              reject(error);
            });
        });
      }),
    );
}

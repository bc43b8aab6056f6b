// reports.*: daily and weekly reports per child, and usage exports as JSON or CSV, from the stored rollups and alerts.
import { dailyReport, usageExport, weeklyReport, type ReportSources } from '../reports/gather.js';
import type { HandlerTable } from '../server/index.js';
import { systemZone } from '../time/zone.js';
import type { HelperContext } from './context.js';
import { asProtocolErrors } from './errors.js';
import { resolveProfile } from './profile-ref.js';

type ReportHandlers = Pick<HandlerTable, 'reports.daily' | 'reports.weekly' | 'reports.export'>;

export function reportHandlers(ctx: HelperContext): ReportHandlers {
  const sources: ReportSources = { store: ctx.store, zone: systemZone };
  return {
    'reports.daily': ({ profile, date }) =>
      asProtocolErrors(() => dailyReport(sources, resolveProfile(ctx.store, profile), date, Date.now())),

    'reports.weekly': ({ profile, weekOf }) =>
      asProtocolErrors(() => weeklyReport(sources, resolveProfile(ctx.store, profile), weekOf, Date.now())),

    'reports.export': ({ profile, sinceMs, untilMs, format, bucket }) =>
      asProtocolErrors(() =>
        usageExport(sources, resolveProfile(ctx.store, profile), { sinceMs, untilMs, format, bucket }),
      ),
  };
}

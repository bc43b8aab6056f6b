// monitors.* and helper.status: health of the kernel side, and run-time enable/disable (the seed's rollback).
import type { HandlerTable } from '../server/index.js';
import type { HelperContext } from './context.js';
import { asProtocolErrors } from './errors.js';

type MonitorHandlers = Pick<HandlerTable, 'helper.status' | 'monitors.list' | 'monitors.enable' | 'monitors.disable'>;

export function monitorHandlers(ctx: HelperContext): MonitorHandlers {
  const { monitors, store, enforcer } = ctx;
  return {
    'helper.status': () => ({
      version: ctx.version,
      uptimeSeconds: Math.round((Date.now() - ctx.startedAtMs) / 1000),
      schemaVersion: store.schemaVersion,
      pid: process.pid,
      dbPath: store.path,
      socketPath: ctx.socketPath,
      monitorDrops: monitors.statuses().map((s) => ({
        name: s.name,
        recordsDropped: s.recordsDropped,
        aggregateMapFull: s.aggregateMapFull,
      })),
    }),

    'monitors.list': () => monitors.statuses(),

    'monitors.enable': ({ name }) =>
      asProtocolErrors(async () => {
        const status = monitors.enable(name);
        // The process monitor's blocked-program maps are new after a reload: fill them again.
        if (name === 'process-monitor') await enforcer.reapplyAll();
        ctx.log.info(`monitor ${name} enabled: ${status.state}`);
        return status;
      }),

    'monitors.disable': ({ name }) =>
      asProtocolErrors(() => {
        const status = monitors.disable(name);
        ctx.log.warn(`monitor ${name} disabled at run time`);
        return status;
      }),
  };
}

// Monitor health (the five eBPF monitors) and turning them on and off.

import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { MonitorName, MonitorStatus } from '../../shared/events.js';
import { MONITOR_NAMES } from '../../shared/events.js';
import { callHelper, describeError } from '../api/helper.js';
import { useLoadState } from './load-state.js';

export const MONITOR_LABELS: Readonly<Record<MonitorName, { title: string; watches: string }>> = {
  'process-monitor': { title: 'Processes', watches: 'programs started and stopped; blocks blocked applications' },
  'filesystem-monitor': { title: 'Files', watches: 'files opened, read, written and deleted' },
  'network-monitor': { title: 'Network', watches: 'connections and bytes sent and received' },
  'memory-monitor': { title: 'Memory', watches: 'memory use per program; stops programs over the limit' },
  'disk-io-monitor': { title: 'Disk I/O', watches: 'disk reads, writes and their latency' },
};

export const MONITOR_STATE_LABELS: Readonly<Record<MonitorStatus['state'], string>> = {
  ok: 'OK',
  degraded: 'Degraded',
  failed: 'Failed',
  disabled: 'Disabled',
};

function inCanonicalOrder(list: readonly MonitorStatus[]): MonitorStatus[] {
  return [...list].sort((a, b) => MONITOR_NAMES.indexOf(a.name) - MONITOR_NAMES.indexOf(b.name));
}

export const useMonitorsStore = defineStore('monitors', () => {
  const monitors = ref<MonitorStatus[]>([]);
  const busy = ref<ReadonlySet<MonitorName>>(new Set());
  const actionError = ref<{ name: MonitorName; message: string } | null>(null);
  const { status, error, track } = useLoadState();

  function load(): Promise<void> {
    return track(async () => {
      monitors.value = inCanonicalOrder(await callHelper('monitors.list', {}));
    });
  }

  function receive(list: readonly MonitorStatus[]): void {
    monitors.value = inCanonicalOrder(list);
  }

  function replace(updated: MonitorStatus): void {
    monitors.value = inCanonicalOrder([...monitors.value.filter((m) => m.name !== updated.name), updated]);
  }

  async function setEnabled(name: MonitorName, enabled: boolean): Promise<void> {
    busy.value = new Set([...busy.value, name]);
    actionError.value = null;
    try {
      replace(await callHelper(enabled ? 'monitors.enable' : 'monitors.disable', { name }));
    } catch (caught) {
      actionError.value = { name, message: describeError(caught) };
    } finally {
      busy.value = new Set([...busy.value].filter((n) => n !== name));
    }
  }

  return { monitors, busy, actionError, status, error, load, receive, setEnabled };
});

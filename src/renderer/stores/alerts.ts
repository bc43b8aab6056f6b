// Alerts: the list (newest first), filters, acknowledging, and new alerts as the helper pushes them.

import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Alert, AlertKind } from '../../shared/model.js';
import { callHelper } from '../api/helper.js';
import { useLoadState } from './load-state.js';

/** How many alerts the list keeps; older ones are in the helper's database (alerts.list with sinceMs). */
export const ALERT_LIST_LIMIT = 1000;

export type AcknowledgedFilter = 'unacknowledged' | 'acknowledged' | 'all';

export interface AlertFilters {
  profileId: number | null;
  kind: AlertKind | null;
  acknowledged: AcknowledgedFilter;
}

function newestFirst(a: Alert, b: Alert): number {
  return b.timeMs - a.timeMs || b.id - a.id;
}

export const useAlertsStore = defineStore('alerts', () => {
  const alerts = ref<Alert[]>([]);
  const filters = ref<AlertFilters>({ profileId: null, kind: null, acknowledged: 'unacknowledged' });
  const acknowledging = ref(false);
  const { status, error, track } = useLoadState();

  const unacknowledged = computed(() => alerts.value.filter((alert) => !alert.acknowledged));

  const filtered = computed(() => {
    const { profileId, kind, acknowledged } = filters.value;
    return alerts.value.filter(
      (alert) =>
        (profileId === null || alert.profileId === profileId) &&
        (kind === null || alert.kind === kind) &&
        (acknowledged === 'all' || alert.acknowledged === (acknowledged === 'acknowledged')),
    );
  });

  function byId(id: number): Alert | undefined {
    return alerts.value.find((alert) => alert.id === id);
  }

  function load(): Promise<void> {
    return track(async () => {
      const list = await callHelper('alerts.list', { limit: ALERT_LIST_LIMIT });
      alerts.value = [...list].sort(newestFirst);
    });
  }

  /** A pushed alert: new, or an existing one re-raised (more occurrences, latest measurement). */
  function receive(alert: Alert): void {
    const rest = alerts.value.filter((existing) => existing.id !== alert.id);
    alerts.value = [alert, ...rest].sort(newestFirst).slice(0, ALERT_LIST_LIMIT);
  }

  function markAcknowledged(predicate: (alert: Alert) => boolean): void {
    alerts.value = alerts.value.map((alert) => (predicate(alert) ? { ...alert, acknowledged: true } : alert));
  }

  async function acknowledge(ids: readonly number[]): Promise<number> {
    if (ids.length === 0) return 0;
    acknowledging.value = true;
    try {
      const { acknowledged } = await callHelper('alerts.ack', { ids: [...ids] });
      const set = new Set(ids);
      markAcknowledged((alert) => set.has(alert.id));
      return acknowledged;
    } finally {
      acknowledging.value = false;
    }
  }

  /** Every unacknowledged alert, of one child when `profileId` is given. */
  async function acknowledgeAll(profileId: number | null): Promise<number> {
    acknowledging.value = true;
    try {
      const params = profileId === null ? { all: true } : { all: true, profile: profileId };
      const { acknowledged } = await callHelper('alerts.ack', params);
      markAcknowledged((alert) => profileId === null || alert.profileId === profileId);
      return acknowledged;
    } finally {
      acknowledging.value = false;
    }
  }

  return {
    alerts,
    filters,
    filtered,
    unacknowledged,
    acknowledging,
    status,
    error,
    byId,
    load,
    receive,
    acknowledge,
    acknowledgeAll,
  };
});

// Live metrics per child: a rolling window of samples from the helper's `metrics` pushes.

import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import type { LiveMetrics } from '../../shared/model.js';
import { callHelper } from '../api/helper.js';
import { useLoadState } from './load-state.js';

/** How much history the live charts show. */
export const LIVE_WINDOW_MS = 3 * 60_000;

export const useMetricsStore = defineStore('metrics', () => {
  // Replaced, never mutated in place: one reactive trigger per push instead of one per sample.
  const series = shallowRef<ReadonlyMap<number, readonly LiveMetrics[]>>(new Map());
  const { status, error, track } = useLoadState();

  const latest = computed(() => {
    const result = new Map<number, LiveMetrics>();
    for (const [profileId, samples] of series.value) {
      const last = samples[samples.length - 1];
      if (last) result.set(profileId, last);
    }
    return result;
  });

  function add(samples: readonly LiveMetrics[]): void {
    if (samples.length === 0) return;
    const next = new Map(series.value);
    for (const sample of samples) {
      const existing = next.get(sample.profileId) ?? [];
      const last = existing[existing.length - 1];
      // Drop duplicates and out-of-order samples (a reload racing a push).
      if (last && sample.timeMs <= last.timeMs) continue;
      const cutoff = sample.timeMs - LIVE_WINDOW_MS;
      next.set(sample.profileId, [...existing.filter((s) => s.timeMs >= cutoff), sample]);
    }
    series.value = next;
  }

  function samplesOf(profileId: number): readonly LiveMetrics[] {
    return series.value.get(profileId) ?? [];
  }

  function load(): Promise<void> {
    return track(async () => {
      add(await callHelper('metrics.live', {}));
    });
  }

  function clear(): void {
    series.value = new Map();
  }

  return { series, latest, status, error, add, samplesOf, load, clear };
});

// The load status every store shares: what a view needs for its loading, empty and error states.

import { ref } from 'vue';
import { describeError } from '../api/helper.js';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export function useLoadState() {
  const status = ref<LoadStatus>('idle');
  const error = ref<string | null>(null);

  /** Runs `load`, recording loading / ready / error. Concurrent calls share the first. */
  let inFlight: Promise<void> | null = null;
  function track(load: () => Promise<void>): Promise<void> {
    if (inFlight) return inFlight;
    status.value = 'loading';
    error.value = null;
    inFlight = load()
      .then(() => {
        status.value = 'ready';
      })
      .catch((caught: unknown) => {
        status.value = 'error';
        error.value = describeError(caught);
      })
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  }

  return { status, error, track };
}

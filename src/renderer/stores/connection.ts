// The helper connection as main reports it, and starting the helper when it is not running.

import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ConnectionState } from '../../main/preload-api.js';
import { dotsApi } from '../api/helper.js';

const INITIAL: ConnectionState = { state: 'connecting', detail: null, nextAttemptAtMs: null, start: null };

export const useConnectionStore = defineStore('connection', () => {
  const current = ref<ConnectionState>(INITIAL);
  const starting = ref(false);
  const startMessage = ref<{ ok: boolean; text: string } | null>(null);
  let stop: (() => void) | null = null;

  const isConnected = computed(() => current.value.state === 'connected');

  function init(): void {
    if (stop) return;
    stop = dotsApi().onConnectionState((state) => {
      current.value = state;
      if (state.state === 'connected') startMessage.value = null;
    });
  }

  function dispose(): void {
    stop?.();
    stop = null;
  }

  async function startHelper(): Promise<void> {
    starting.value = true;
    startMessage.value = null;
    try {
      const outcome = await dotsApi().startHelper();
      startMessage.value = { ok: outcome.ok, text: outcome.message };
    } catch (error) {
      startMessage.value = { ok: false, text: error instanceof Error ? error.message : String(error) };
    } finally {
      starting.value = false;
    }
  }

  return { current, isConnected, starting, startMessage, init, dispose, startHelper };
});

// Runs `load` now if the helper is connected, and again every time the connection comes back (pushes sent while
// disconnected are lost, so data is fetched afresh).

import { watch } from 'vue';
import { useConnectionStore } from '../stores/connection.js';

export function useWhenConnected(load: () => unknown): void {
  const connection = useConnectionStore();
  watch(
    () => connection.isConnected,
    (connected) => {
      if (connected) void load();
    },
    { immediate: true },
  );
}

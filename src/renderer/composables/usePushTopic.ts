// Helper pushes of some topics for as long as the calling component (or effect scope) lives.

import { getCurrentScope, onScopeDispose } from 'vue';
import type { PushMessage, Topic } from '../../shared/protocol.js';
import { subscribePushes } from '../api/helper.js';

export function usePushTopic(topics: readonly Topic[], onPush: (message: PushMessage) => void): () => void {
  let unsubscribe: (() => void) | null = subscribePushes(topics, onPush);
  const stop = () => {
    unsubscribe?.();
    unsubscribe = null;
  };
  if (getCurrentScope()) onScopeDispose(stop);
  return stop;
}

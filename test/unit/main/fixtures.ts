import type { HelperClientLike } from '../../../src/main/helper-connection.js';
import { HelperRequestError } from '../../../src/shared/client/helper-client.js';
import type { Alert } from '../../../src/shared/model.js';
import type { PushMessage, SelfStatus } from '../../../src/shared/protocol.js';

export const ADMIN: SelfStatus = { role: 'admin', uid: 0, username: 'root', via: 'root' };


export function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 1,
    profileId: 7,
    kind: 'memory_limit',
    severity: 'critical',
    message: 'node used 312 MB, over the 200 MB limit; killed',
    measured: 312,
    limit: 200,
    unit: 'MB',
    pid: 4242,
    comm: 'node',
    timeMs: 1_700_000_000_000,
    occurrences: 1,
    acknowledged: false,
    ...overrides,
  };
}

/** The shared client as main uses it: answers self.status, records calls, hands back the push listener. */
export class FakeClient implements HelperClientLike {
  connected = true;
  subscribedTopics: string[] = [];
  pushListener: ((message: PushMessage) => void) | null = null;
  private disconnect: ((error: Error | null) => void) | null = null;
  calls: Array<[string, unknown]> = [];
  readonly answers = new Map<string, (params: unknown) => unknown>();

  constructor(private readonly self: SelfStatus | Error = ADMIN) {}

  async call(method: string, params: unknown): Promise<never> {
    this.calls.push([method, params]);
    if (method === 'self.status') {
      if (this.self instanceof Error) throw this.self;
      return this.self as never;
    }
    const answer = this.answers.get(method);
    if (answer) return answer(params) as never;
    if (method === 'profiles.list') return [] as never;
    if (method === 'alerts.ack') throw new HelperRequestError('not_found', 'no alert 99', method);
    throw new Error(`unexpected ${method}`);
  }

  async subscribe(topics: readonly string[], listener: (message: PushMessage) => void) {
    this.subscribedTopics = [...topics];
    this.pushListener = listener;
    return async () => undefined;
  }

  onDisconnect(listener: (error: Error | null) => void) {
    this.disconnect = listener;
    return () => undefined;
  }

  async close() {
    this.connected = false;
  }

  drop(error: Error) {
    this.connected = false;
    this.disconnect?.(error);
  }
}

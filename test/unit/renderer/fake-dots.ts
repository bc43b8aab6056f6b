// A stand-in for the preload's window.dots in component and store tests. The same path runs for real in
// test/e2e/app.test.ts (chromium + a real helper over its socket).
import type {
  CallError,
  CallOutcome,
  ConnectionState,
  DotsApi,
  StartHelperOutcome,
} from '../../../src/main/preload-api.js';
import { NO_LIMITS, type Alert, type LiveMetrics, type Profile } from '../../../src/shared/model.js';
import { pushes, type MethodName, type PushMessage, type Topic } from '../../../src/shared/protocol.js';

type Handler = (params: Record<string, unknown>) => unknown;

export class CallFailure {
  constructor(readonly error: CallError) {}
}

export class FakeDots implements DotsApi {
  readonly calls: Array<{ method: MethodName; params: Record<string, unknown> }> = [];
  private readonly handlers = new Map<string, Handler>();
  private readonly pushListeners = new Set<{ topics: Set<Topic>; onPush: (m: PushMessage) => void }>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  state: ConnectionState = { state: 'connected', detail: null, nextAttemptAtMs: null, start: null };
  startOutcome: StartHelperOutcome = { ok: true, message: 'The helper is starting…' };
  startCalls = 0;

  constructor() {
    // Sensible empty answers, so a test only sets up what it is about.
    this.on('profiles.list', () => []);
    this.on('alerts.list', () => []);
    this.on('monitors.list', () => []);
    this.on('metrics.live', () => []);
    this.on('usage.query', () => []);
    this.on('timeRules.status', () => ({
      allowedNow: true,
      nextChangeMs: null,
      screenTimeUsedSeconds: 0,
      screenTimeLeftSeconds: null,
      apps: [],
    }));
  }

  /** Answer `method` with the handler's value, or fail when it returns a CallFailure or throws one. */
  on(method: MethodName, handler: Handler): this {
    this.handlers.set(method, handler);
    return this;
  }

  fail(method: MethodName, error: CallError): this {
    return this.on(method, () => new CallFailure(error));
  }

  callsOf(method: MethodName): Array<Record<string, unknown>> {
    return this.calls.filter((c) => c.method === method).map((c) => c.params);
  }

  async call<M extends MethodName>(method: M, params: unknown): Promise<CallOutcome<M>> {
    const p = (params ?? {}) as Record<string, unknown>;
    this.calls.push({ method, params: p });
    const handler = this.handlers.get(method);
    if (!handler) return { ok: false, error: { code: 'internal', message: `fake: no handler for ${method}` } };
    try {
      const result = await handler(p);
      if (result instanceof CallFailure) return { ok: false, error: result.error };
      return { ok: true, result } as CallOutcome<M>;
    } catch (error) {
      if (error instanceof CallFailure) return { ok: false, error: error.error };
      throw error;
    }
  }

  subscribe(topics: readonly Topic[], onPush: (message: PushMessage) => void): () => void {
    const entry = { topics: new Set(topics), onPush };
    this.pushListeners.add(entry);
    return () => this.pushListeners.delete(entry);
  }

  onConnectionState(callback: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(callback);
    callback(this.state);
    return () => this.stateListeners.delete(callback);
  }

  async startHelper(): Promise<StartHelperOutcome> {
    this.startCalls++;
    return this.startOutcome;
  }

  push(message: PushMessage): void {
    const topic = pushes[message.push].topic;
    for (const listener of this.pushListeners) if (listener.topics.has(topic)) listener.onPush(message);
  }

  setConnection(state: Partial<ConnectionState> & Pick<ConnectionState, 'state'>): void {
    this.state = { detail: null, nextAttemptAtMs: null, start: null, ...state };
    for (const listener of this.stateListeners) listener(this.state);
  }

  get subscriberCount(): number {
    return this.pushListeners.size;
  }
}

export function installFakeDots(fake: FakeDots = new FakeDots()): FakeDots {
  (globalThis as { dots?: DotsApi }).dots = fake;
  return fake;
}

export function uninstallFakeDots(): void {
  delete (globalThis as { dots?: DotsApi }).dots;
}

export function profile(overrides: Partial<Profile> = {}): Profile {
  return {
    id: 1,
    name: 'Lily',
    accounts: [{ uid: 1001, username: 'lily' }],
    limits: structuredClone(NO_LIMITS),
    createdAtMs: 1_700_000_000_000,
    updatedAtMs: 1_700_000_000_000,
    ...overrides,
  };
}

export function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 1,
    profileId: 1,
    kind: 'memory_limit',
    severity: 'critical',
    message: 'node used 312 MB, over the 200 MB limit; killed',
    measured: 312,
    limit: 200,
    unit: 'MB',
    pid: 4242,
    comm: 'node',
    timeMs: Date.now() - 60_000,
    occurrences: 1,
    acknowledged: false,
    ...overrides,
  };
}

export function metrics(profileId: number, timeMs: number, rssBytes = 50e6): LiveMetrics {
  return {
    profileId,
    timeMs,
    processes: 3,
    memory: { rssBytes, peakRssBytes: rssBytes, kmallocBytesPerSecond: 0 },
    network: { uploadBytesPerSecond: 1000, downloadBytesPerSecond: 125_000, uploadBytes: 0, downloadBytes: 0 },
    disk: {
      readBytesPerSecond: 2e6,
      writeBytesPerSecond: 1e6,
      requests: 10,
      latencyMeanMs: 1,
      latencyP50Ms: 1,
      latencyP95Ms: 2,
      latencyP99Ms: 3,
    },
    files: { readBytesPerSecond: 0, writeBytesPerSecond: 0, opensPerSecond: 0 },
  };
}

export const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

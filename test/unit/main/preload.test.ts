// The preload as Electron's sandbox runs it: CommonJS, a require() that knows only 'electron', a dummy
// module.exports. It must expose exactly window.dots and forward to the channels main listens on.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import ts from 'typescript';
import { describe, expect, it, vi } from 'vitest';
import { DOTS_CHANNELS, type DotsApi } from '../../../src/main/preload-api.js';

const source = readFileSync(path.resolve(import.meta.dirname, '../../../src/main/preload.cts'), 'utf8');
const compiled = ts.transpileModule(source, {
  compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  fileName: 'preload.cts',
}).outputText;

type Listener = (event: unknown, payload: unknown) => void;

function loadPreload(answers: Record<string, unknown> = {}) {
  const exposed = new Map<string, unknown>();
  const listeners = new Map<string, Set<Listener>>();
  const required: string[] = [];
  const invoke = vi.fn(async (channel: string, ...args: unknown[]) => answers[channel] ?? { channel, args });
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
    ipcRenderer: {
      invoke,
      on: (channel: string, listener: Listener) => {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel)?.add(listener);
      },
      removeListener: (channel: string, listener: Listener) => listeners.get(channel)?.delete(listener),
    },
  };
  const module = { exports: {} };
  const sandboxRequire = (name: string) => {
    required.push(name);
    if (name !== 'electron') throw new Error(`a sandboxed preload cannot require '${name}'`);
    return electron;
  };
  vm.runInNewContext(`(function (require, module, exports) {${compiled}\n})`, {})(sandboxRequire, module, module.exports);
  const emit = (channel: string, payload: unknown) => {
    for (const listener of listeners.get(channel) ?? []) listener({}, payload);
  };
  return { exposed, required, invoke, emit, listeners };
}

describe('preload', () => {
  it('requires only electron and exposes exactly one object, window.dots, with the four API functions', () => {
    const { exposed, required } = loadPreload();
    expect(required).toEqual(['electron']);
    expect([...exposed.keys()]).toEqual(['dots']);
    const api = exposed.get('dots') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['call', 'onConnectionState', 'startHelper', 'subscribe']);
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
  });

  it('forwards call(method, params) to the dots:call channel', async () => {
    const { exposed, invoke } = loadPreload();
    const api = exposed.get('dots') as DotsApi;
    await api.call('profiles.get', { profile: 3 });
    expect(invoke).toHaveBeenCalledWith(DOTS_CHANNELS.call, 'profiles.get', { profile: 3 });
  });

  it('delivers only pushes of the subscribed topics, until unsubscribed', () => {
    const { exposed, emit, listeners } = loadPreload();
    const api = exposed.get('dots') as DotsApi;
    const received: unknown[] = [];
    const stop = api.subscribe(['alerts'], (message) => received.push(message));
    emit(DOTS_CHANNELS.push, { topic: 'metrics', push: 'metrics', data: [] });
    emit(DOTS_CHANNELS.push, { topic: 'alerts', push: 'alert', data: { id: 1 } });
    expect(received).toEqual([{ push: 'alert', data: { id: 1 } }]);
    stop();
    expect(listeners.get(DOTS_CHANNELS.push)?.size).toBe(0);
  });

  it('gives the current connection state first, then changes', async () => {
    const current = { state: 'helper-not-running', detail: 'x', nextAttemptAtMs: null, start: null };
    const { exposed, emit } = loadPreload({ [DOTS_CHANNELS.connectionGet]: current });
    const api = exposed.get('dots') as DotsApi;
    const states: unknown[] = [];
    api.onConnectionState((state) => states.push(state.state));
    await new Promise((r) => setTimeout(r, 0));
    emit(DOTS_CHANNELS.connection, { ...current, state: 'connected' });
    expect(states).toEqual(['helper-not-running', 'connected']);
  });

  it('does not let a late answer to "current state" overwrite a newer change', async () => {
    const { exposed, emit } = loadPreload({ [DOTS_CHANNELS.connectionGet]: { state: 'connecting' } });
    const api = exposed.get('dots') as DotsApi;
    const states: unknown[] = [];
    api.onConnectionState((state) => states.push(state.state));
    emit(DOTS_CHANNELS.connection, { state: 'connected' });
    await new Promise((r) => setTimeout(r, 0));
    expect(states).toEqual(['connected']);
  });

  it('asks main to start the helper on dots:start-helper', async () => {
    const { exposed, invoke } = loadPreload();
    await (exposed.get('dots') as DotsApi).startHelper();
    expect(invoke).toHaveBeenCalledWith(DOTS_CHANNELS.startHelper);
  });
});

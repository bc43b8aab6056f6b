// The preload: runs sandboxed (CommonJS, may require only 'electron') and exposes exactly one object to the page,
// window.dots. Everything it does is forward to main over four channels; it holds no logic worth testing apart
// from "nothing else leaks", which test/unit/main/preload.test.ts checks on the compiled script in a sandbox-like vm.

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type {
  CallOutcome,
  ConnectionState,
  DOTS_CHANNELS,
  DotsApi,
  PushFrame,
  StartHelperOutcome,
} from './preload-api.js' with { 'resolution-mode': 'import' };

// Repeated here (a sandboxed preload cannot require ./preload-api), and checked against it by the compiler.
const CHANNELS: typeof DOTS_CHANNELS = {
  call: 'dots:call',
  push: 'dots:push',
  connection: 'dots:connection',
  connectionGet: 'dots:connection:get',
  startHelper: 'dots:start-helper',
};

const api: DotsApi = {
  call(method, params) {
    return ipcRenderer.invoke(CHANNELS.call, method, params) as Promise<CallOutcome<typeof method>>;
  },

  subscribe(topics, onPush) {
    const wanted = new Set(topics);
    const listener = (_event: IpcRendererEvent, frame: PushFrame) => {
      if (wanted.has(frame.topic)) onPush({ push: frame.push, data: frame.data } as Parameters<typeof onPush>[0]);
    };
    ipcRenderer.on(CHANNELS.push, listener);
    return () => {
      ipcRenderer.removeListener(CHANNELS.push, listener);
    };
  },

  onConnectionState(callback) {
    let latest: ConnectionState | null = null;
    const listener = (_event: IpcRendererEvent, state: ConnectionState) => {
      latest = state;
      callback(state);
    };
    ipcRenderer.on(CHANNELS.connection, listener);
    void (ipcRenderer.invoke(CHANNELS.connectionGet) as Promise<ConnectionState>).then((state) => {
      // A change that arrived while asking is newer than the answer.
      if (latest === null) callback(state);
    });
    return () => {
      ipcRenderer.removeListener(CHANNELS.connection, listener);
    };
  },

  startHelper() {
    return ipcRenderer.invoke(CHANNELS.startHelper) as Promise<StartHelperOutcome>;
  },
};

contextBridge.exposeInMainWorld('dots', api);

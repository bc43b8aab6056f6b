// main, minus Electron, behind a browser page: the page runs the real preload (src/main/preload.cts, compiled as
// Electron would load it) against a stand-in for `electron` whose ipcRenderer reaches the harness through a
// Playwright binding, where the real AppCore answers — with the real HelperConnection to the real helper socket.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import ts from 'typescript';
import type { AppCore } from '../../../src/main/app-core.js';

const PRELOAD = path.resolve(import.meta.dirname, '../../../src/main/preload.cts');

function compiledPreload(): string {
  return ts.transpileModule(readFileSync(PRELOAD, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    fileName: 'preload.cts',
  }).outputText;
}

/** Runs in the page before its scripts: an `electron` with contextBridge and ipcRenderer, then the preload. */
function initScript(preload: string): string {
  return `(() => {
  const listeners = new Map();
  const ipcRenderer = {
    invoke: (channel, ...args) => window.__dotsInvoke(channel, args),
    on(channel, listener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel).add(listener);
    },
    removeListener(channel, listener) {
      listeners.get(channel)?.delete(listener);
    },
  };
  Object.defineProperty(window, '__dotsEmit', {
    value: (channel, payload) => {
      for (const listener of [...(listeners.get(channel) ?? [])]) listener({}, payload);
    },
  });
  const contextBridge = {
    exposeInMainWorld: (key, api) => Object.defineProperty(window, key, { value: Object.freeze(api), enumerable: true }),
  };
  const require = (name) => {
    if (name !== 'electron') throw new Error('a sandboxed preload cannot require ' + name);
    return { contextBridge, ipcRenderer };
  };
  const module = { exports: {} };
  (function (require, module, exports) {
${preload}
  })(require, module, module.exports);
})();`;
}

export interface BridgeLog {
  invokes: Array<{ channel: string; args: unknown[] }>;
}

/** Wires `page` to `core`. Call before page.goto. */
export async function bridgePage(page: Page, core: AppCore): Promise<BridgeLog> {
  const log: BridgeLog = { invokes: [] };
  await page.exposeBinding('__dotsInvoke', async (_source, channel: string, args: unknown[]) => {
    log.invokes.push({ channel, args });
    return core.invoke(channel, args);
  });
  core.forwardTo((channel, payload) => {
    if (page.isClosed()) return;
    page
      .evaluate(([c, p]) => (window as unknown as { __dotsEmit?: (c: unknown, p: unknown) => void }).__dotsEmit?.(c, p), [
        channel,
        payload,
      ] as const)
      .catch(() => undefined); // a navigation in progress: the page asks for the state again when it loads
  });
  await page.addInitScript(initScript(compiledPreload()));
  return log;
}

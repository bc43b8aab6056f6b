// The IPC surface behind the preload: AppCore's invoke channels, answered only for the app's own page, and its
// forwarded pushes and state changes sent to the window.

import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { INVOKE_CHANNELS, type AppCore } from './app-core.js';
import { isTrustedSender } from './ipc-validation.js';
import type { CallOutcome } from './preload-api.js';

function trusted(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return frame !== null && isTrustedSender(frame.url, frame === event.sender.mainFrame);
}

const untrusted: CallOutcome = { ok: false, error: { code: 'rejected', message: 'not the DOTS Family window' } };

export function registerIpc(core: AppCore, window: () => BrowserWindow | null): () => void {
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, (event, ...args: unknown[]) => (trusted(event) ? core.invoke(channel, args) : untrusted));
  }
  const stopForwarding = core.forwardTo((channel, payload) => {
    const target = window();
    if (target && !target.isDestroyed()) target.webContents.send(channel, payload);
  });
  return () => {
    stopForwarding();
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel);
  };
}

// The IPC surface behind the preload: four invoke channels and two sends. Every call is checked (sender, method,
// params) before it reaches the helper.

import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { pushes, type MethodName, type ParamsOf, type PushMessage } from '../shared/protocol.js';
import type { HelperConnection } from './helper-connection.js';
import { isTrustedSender, validateCall } from './ipc-validation.js';
import { DOTS_CHANNELS, type CallOutcome, type ConnectionState, type PushFrame, type StartHelperOutcome } from './preload-api.js';

export interface IpcOptions {
  connection: HelperConnection;
  window(): BrowserWindow | null;
  startHelper(): Promise<StartHelperOutcome>;
  /** After a call succeeded (main keeps its alert tally in step with acknowledgements). */
  afterCall(method: MethodName, params: unknown): void;
}

function trusted(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return frame !== null && isTrustedSender(frame.url, frame === event.sender.mainFrame);
}

const untrusted: CallOutcome = { ok: false, error: { code: 'rejected', message: 'not the DOTS Family window' } };

export function registerIpc(options: IpcOptions): () => void {
  const { connection } = options;

  ipcMain.handle(DOTS_CHANNELS.call, async (event, method: unknown, params: unknown): Promise<CallOutcome> => {
    if (!trusted(event)) return untrusted;
    const checked = validateCall(method, params);
    if (!checked.ok) return checked;
    const outcome = await connection.call(checked.method, checked.params as ParamsOf<MethodName>);
    if (outcome.ok) options.afterCall(checked.method, checked.params);
    return outcome as CallOutcome;
  });

  ipcMain.handle(DOTS_CHANNELS.connectionGet, (event): ConnectionState | null =>
    trusted(event) ? connection.state : null,
  );

  ipcMain.handle(DOTS_CHANNELS.startHelper, async (event): Promise<StartHelperOutcome> => {
    if (!trusted(event)) return { ok: false, message: 'not the DOTS Family window' };
    const outcome = await options.startHelper();
    if (outcome.ok) connection.retryNow();
    return outcome;
  });

  const send = (channel: string, payload: unknown) => {
    const window = options.window();
    if (window && !window.isDestroyed()) window.webContents.send(channel, payload);
  };
  const stopState = connection.onState((state) => send(DOTS_CHANNELS.connection, state));
  const stopPush = connection.onPush((message: PushMessage) => {
    const frame: PushFrame = { ...message, topic: pushes[message.push].topic } as PushFrame;
    send(DOTS_CHANNELS.push, frame);
  });

  return () => {
    stopState();
    stopPush();
    for (const channel of [DOTS_CHANNELS.call, DOTS_CHANNELS.connectionGet, DOTS_CHANNELS.startHelper]) {
      ipcMain.removeHandler(channel);
    }
  };
}

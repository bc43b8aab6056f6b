// Everything main does between the window and the helper, without Electron: answering the preload's invoke
// channels (validated calls, connection state, starting the helper), forwarding pushes and state changes, and
// keeping the alert tally and notifications in step. ipc.ts puts it behind ipcMain; the end-to-end test puts the
// same object behind a browser page, so both run this code.

import { pushes } from '../shared/protocol.js';
import { AlertWatch } from './alert-watch.js';
import type { HelperConnection } from './helper-connection.js';
import { validateCall } from './ipc-validation.js';
import type { Notice } from './notifications.js';
import { DOTS_CHANNELS, type CallOutcome, type PushFrame, type StartHelperOutcome } from './preload-api.js';

export const INVOKE_CHANNELS = [DOTS_CHANNELS.call, DOTS_CHANNELS.connectionGet, DOTS_CHANNELS.startHelper] as const;
export type InvokeChannel = (typeof INVOKE_CHANNELS)[number];

export interface AppCoreOptions {
  connection: HelperConnection;
  startHelper(): Promise<StartHelperOutcome>;
  notify(notice: Notice): void;
  /** The number of unacknowledged alerts changed (the tray shows it). */
  alertsChanged?(unacknowledged: number): void;
  now?: () => number;
}

export class AppCore {
  readonly alerts: AlertWatch;
  private readonly connection: HelperConnection;

  constructor(private readonly options: AppCoreOptions) {
    this.connection = options.connection;
    this.alerts = new AlertWatch({
      call: (method, params) => this.connection.call(method, params),
      notify: options.notify,
      changed: (count) => options.alertsChanged?.(count),
      now: options.now,
    });
    this.connection.onConnected(() => void this.alerts.connected());
    this.connection.onPush((message) => {
      if (message.push === 'alert') void this.alerts.received(message.data);
    });
  }

  /** One invoke from the preload. Unknown channels and bad arguments are refused, never thrown. */
  async invoke(channel: string, args: readonly unknown[]): Promise<unknown> {
    switch (channel) {
      case DOTS_CHANNELS.call: {
        const checked = validateCall(args[0], args[1]);
        if (!checked.ok) return checked satisfies CallOutcome;
        const outcome = await this.connection.call(checked.method, checked.params as never);
        if (outcome.ok) void this.alerts.afterCall(checked.method);
        return outcome;
      }
      case DOTS_CHANNELS.connectionGet:
        return this.connection.state;
      case DOTS_CHANNELS.startHelper: {
        const outcome = await this.options.startHelper();
        if (outcome.ok) this.connection.retryNow();
        return outcome;
      }
      default:
        return { ok: false, error: { code: 'rejected', message: `unknown channel ${String(channel).slice(0, 64)}` } };
    }
  }

  /** Sends connection state changes and pushes (with their topic) until the returned function is called. */
  forwardTo(send: (channel: string, payload: unknown) => void): () => void {
    const stopState = this.connection.onState((state) => send(DOTS_CHANNELS.connection, state));
    const stopPush = this.connection.onPush((message) => {
      const frame = { ...message, topic: pushes[message.push].topic } as PushFrame;
      send(DOTS_CHANNELS.push, frame);
    });
    return () => {
      stopState();
      stopPush();
    };
  }
}

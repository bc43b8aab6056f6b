// Main's own view of alerts, for the tray and notifications: the unacknowledged list at each connect, then pushes
// and acknowledgements. Plain (no Electron): main.ts wires the outputs to the tray and Notification.

import type { Alert } from '../shared/model.js';
import type { MethodName, ParamsOf } from '../shared/protocol.js';
import { AlertNotifier, type Notice } from './notifications.js';
import type { CallOutcome } from './preload-api.js';
import { AlertTally } from './tray-state.js';

export interface AlertWatchOptions {
  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<CallOutcome<M>>;
  notify(notice: Notice): void;
  changed(unacknowledged: number): void;
  now?: () => number;
  notifier?: AlertNotifier;
}

export class AlertWatch {
  readonly tally = new AlertTally();
  private readonly notifier: AlertNotifier;
  private readonly names = new Map<number, string>();

  constructor(private readonly options: AlertWatchOptions) {
    this.notifier = options.notifier ?? new AlertNotifier();
  }

  /** After (re)connecting: what is unacknowledged now is not news. */
  async connected(): Promise<void> {
    await this.refreshNames();
    await this.refreshTally(true);
  }

  async received(alert: Alert): Promise<void> {
    this.tally.receive(alert);
    this.options.changed(this.tally.count);
    if (!this.names.has(alert.profileId)) await this.refreshNames();
    const name = this.names.get(alert.profileId) ?? `Profile ${alert.profileId}`;
    const notice = this.notifier.consider(alert, name, (this.options.now ?? Date.now)());
    if (notice) this.options.notify(notice);
  }

  /** A renderer call went through: follow acknowledgements and renames. */
  async afterCall(method: MethodName): Promise<void> {
    if (method === 'alerts.ack') await this.refreshTally(false);
    else if (method.startsWith('profiles.')) await this.refreshNames();
  }

  private async refreshNames(): Promise<void> {
    const outcome = await this.options.call('profiles.list', {});
    if (!outcome.ok) return;
    this.names.clear();
    for (const profile of outcome.result) this.names.set(profile.id, profile.name);
  }

  private async refreshTally(seen: boolean): Promise<void> {
    const outcome = await this.options.call('alerts.list', { unacknowledgedOnly: true, limit: 10_000 });
    if (!outcome.ok) return;
    this.tally.reset(outcome.result);
    if (seen) this.notifier.markSeen(outcome.result);
    this.options.changed(this.tally.count);
  }
}

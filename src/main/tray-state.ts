// What the tray shows: the number of unacknowledged alerts and the connection, as tooltip, icon and menu labels.

import type { Alert } from '../shared/model.js';
import type { ConnectionStateName } from './preload-api.js';

/** The unacknowledged alerts main knows of, kept from the list at connect plus pushes and acknowledgements. */
export class AlertTally {
  private readonly unacknowledged = new Map<number, number>(); // alert id → profile id

  get count(): number {
    return this.unacknowledged.size;
  }

  /** Replaces everything with a fresh list from the helper. */
  reset(alerts: readonly Pick<Alert, 'id' | 'profileId' | 'acknowledged'>[]): void {
    this.unacknowledged.clear();
    for (const alert of alerts) this.receive(alert);
  }

  receive(alert: Pick<Alert, 'id' | 'profileId' | 'acknowledged'>): void {
    if (alert.acknowledged) this.unacknowledged.delete(alert.id);
    else this.unacknowledged.set(alert.id, alert.profileId);
  }

  acknowledged(ids: readonly number[]): void {
    for (const id of ids) this.unacknowledged.delete(id);
  }
}

export type TrayIcon = 'normal' | 'attention' | 'offline';

export interface TrayPresentation {
  icon: TrayIcon;
  tooltip: string;
  alertsLabel: string;
}

function alertsPhrase(count: number): string {
  if (count === 0) return 'no unacknowledged alerts';
  return count === 1 ? '1 unacknowledged alert' : `${count} unacknowledged alerts`;
}

export function trayPresentation(unacknowledged: number, connection: ConnectionStateName): TrayPresentation {
  const alertsLabel = unacknowledged === 0 ? 'Alerts' : `Alerts (${unacknowledged})`;
  switch (connection) {
    case 'connected':
      return {
        icon: unacknowledged > 0 ? 'attention' : 'normal',
        tooltip: `DOTS Family — ${alertsPhrase(unacknowledged)}`,
        alertsLabel,
      };
    case 'connecting':
      return { icon: 'offline', tooltip: 'DOTS Family — connecting to the helper…', alertsLabel };
    case 'helper-not-running':
      return { icon: 'offline', tooltip: 'DOTS Family — the helper is not running', alertsLabel };
    case 'permission-denied':
      return { icon: 'offline', tooltip: 'DOTS Family — no permission to use the helper', alertsLabel };
  }
}

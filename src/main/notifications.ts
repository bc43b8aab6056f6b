// Which alerts become a desktop notification, and what it says. A notification is for a new breach: not for an
// alert the parent already acknowledged, not for the repeats the helper folds into it (occurrences + 1), not for
// the backlog that was there when the app started, and not a flood: past a burst, one summary instead.

import type { Alert } from '../shared/model.js';
import { ALERT_KIND_LABELS, alertSentence } from '../shared/alert-wording.js';

export interface Notice {
  /** The alert a click opens; null for a summary notice (opens the Alerts list). */
  alertId: number | null;
  title: string;
  body: string;
  urgency: 'normal' | 'critical';
}

export interface NotifierOptions {
  /** At most this many notices per window; then one summary for the rest of the window. Default 4. */
  burstLimit?: number;
  /** Default 60 s. */
  burstWindowMs?: number;
  /** Alert ids remembered to recognise repeats. Default 5000. */
  memory?: number;
}

export class AlertNotifier {
  private readonly seen = new Set<number>();
  private readonly burstLimit: number;
  private readonly burstWindowMs: number;
  private readonly memory: number;
  private windowStartMs = -Infinity;
  private shownInWindow = 0;
  private suppressedInWindow = 0;

  constructor(options: NotifierOptions = {}) {
    this.burstLimit = options.burstLimit ?? 4;
    this.burstWindowMs = options.burstWindowMs ?? 60_000;
    this.memory = options.memory ?? 5000;
  }

  /** Alerts that already existed (the list fetched at connect): never announced. */
  markSeen(alerts: Iterable<Pick<Alert, 'id'>>): void {
    for (const alert of alerts) this.remember(alert.id);
  }

  /** An `alert` push → the notice to show, or null. */
  consider(alert: Alert, childName: string, nowMs: number): Notice | null {
    if (alert.acknowledged || alert.severity === 'info' || this.seen.has(alert.id)) {
      this.remember(alert.id);
      return null;
    }
    this.remember(alert.id);
    if (nowMs - this.windowStartMs >= this.burstWindowMs) {
      this.windowStartMs = nowMs;
      this.shownInWindow = 0;
      this.suppressedInWindow = 0;
    }
    if (this.shownInWindow < this.burstLimit) {
      this.shownInWindow++;
      return {
        alertId: alert.id,
        title: `${ALERT_KIND_LABELS[alert.kind]} — ${childName}`,
        body: alertSentence(alert, childName),
        urgency: alert.severity === 'critical' ? 'critical' : 'normal',
      };
    }
    this.suppressedInWindow++;
    // One summary per window, at the first alert over the limit; later ones are counted in the tray.
    if (this.suppressedInWindow > 1) return null;
    return {
      alertId: null,
      title: 'More alerts',
      body: 'Several limits were broken in the last minute. Open DOTS Family to see them all.',
      urgency: 'normal',
    };
  }

  private remember(id: number): void {
    this.seen.add(id);
    if (this.seen.size > this.memory) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }
}

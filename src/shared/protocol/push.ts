// Server pushes: what a subscribed connection receives without asking. A client subscribes to topics (plural
// streams); each push names its payload (`alert` carries one Alert).

import { z } from 'zod';
import { AlertSchema, LiveMetricsSchema, MonitorStatusSchema } from './domain.js';

export const TOPICS = ['metrics', 'alerts', 'monitors'] as const;
export type Topic = (typeof TOPICS)[number];
export const TopicSchema = z.enum(TOPICS);

export const pushes = {
  /** Every sample interval: live numbers per child. */
  metrics: { topic: 'metrics', data: z.array(LiveMetricsSchema) },
  /** A new (or re-raised) alert. */
  alert: { topic: 'alerts', data: AlertSchema },
  /** Monitor health, whenever it changes. */
  monitors: { topic: 'monitors', data: z.array(MonitorStatusSchema) },
} as const satisfies Record<string, { topic: Topic; data: z.ZodType }>;

export type PushName = keyof typeof pushes;
export const PUSH_NAMES = Object.keys(pushes) as PushName[];
export type PushDataOf<P extends PushName> = z.output<(typeof pushes)[P]['data']>;
export type PushMessage = { [P in PushName]: { push: P; data: PushDataOf<P> } }[PushName];

export function isPushName(name: string): name is PushName {
  return Object.hasOwn(pushes, name);
}

/**
 * Who may subscribe to a topic. A child may follow metrics and alerts, and receives only those about its own
 * profile; monitor health is the parents' business.
 */
export const TOPIC_ACCESS: Record<Topic, 'child' | 'admin'> = {
  metrics: 'child',
  alerts: 'child',
  monitors: 'admin',
};

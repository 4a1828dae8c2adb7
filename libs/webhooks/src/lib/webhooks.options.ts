/** After failed try n, wait `WEBHOOK_RETRY_SCHEDULE_MS[n-1]`: 8 tries over about 27.5 hours, then the delivery is dead. */
export const WEBHOOK_RETRY_SCHEDULE_MS: readonly number[] = [
  60_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3600_000,
  5 * 3600_000,
  10 * 3600_000,
  10 * 3600_000,
];

export interface WebhooksModuleOptions {
  /** Test mode only: let deliveries reach a loopback address over plain http. */
  allowHttpLoopback?: boolean;
  /** Waits between delivery tries; default `WEBHOOK_RETRY_SCHEDULE_MS`. */
  retryScheduleMs?: readonly number[];
  /** How often the outbox relay looks for new events and due retries; default 1000 ms. */
  relayIntervalMs?: number;
  /** Whether this process runs the relay (default true). */
  runRelay?: boolean;
}

export const WEBHOOKS_OPTIONS = Symbol.for('payrail.webhooks-options');

export const INBOUND_QUEUE = 'webhooks.inbound';
export const DELIVERY_QUEUE = 'webhooks.deliver';

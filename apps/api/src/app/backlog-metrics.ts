import { Gauge, register } from 'prom-client';
import type { DataSource } from 'typeorm';
import { InboxEvent, OutboxEvent, WebhookDelivery } from '@payrail/webhooks';

/** Seconds since `oldest`, 0 when nothing waits. */
function age(oldest: Date | string | null | undefined, now = Date.now()): number {
  if (!oldest) return 0;
  return Math.max(0, (now - new Date(oldest).getTime()) / 1000);
}

/**
 * Gauges read from the database when Prometheus scrapes (one indexed query each per scrape,
 * nothing per request): how far the webhook inbox and the outbox lag, and dead deliveries.
 */
export function registerBacklogGauges(dataSource: DataSource): void {
  for (const name of [
    'payrail_webhook_inbox_lag_seconds',
    'payrail_outbox_lag_seconds',
    'payrail_webhook_deliveries_dead',
  ])
    register.removeSingleMetric(name);
  new Gauge({
    name: 'payrail_webhook_inbox_lag_seconds',
    help: 'Age of the oldest verified gateway event not yet applied',
    async collect() {
      const row = await dataSource
        .getRepository(InboxEvent)
        .createQueryBuilder('e')
        .select('MIN(e.receivedAt)', 'oldest')
        .where('e.state = :state', { state: 'received' })
        .getRawOne<{ oldest: Date | string | null }>();
      this.set(age(row?.oldest));
    },
  });
  new Gauge({
    name: 'payrail_outbox_lag_seconds',
    help: 'Age of the oldest payment event not yet turned into deliveries',
    async collect() {
      const row = await dataSource
        .getRepository(OutboxEvent)
        .createQueryBuilder('e')
        .select('MIN(e.createdAt)', 'oldest')
        .where('e.state = :state', { state: 'pending' })
        .getRawOne<{ oldest: Date | string | null }>();
      this.set(age(row?.oldest));
    },
  });
  new Gauge({
    name: 'payrail_webhook_deliveries_dead',
    help: 'Merchant webhook deliveries out of tries',
    async collect() {
      this.set(await dataSource.getRepository(WebhookDelivery).count({ where: { state: 'dead' } }));
    },
  });
}

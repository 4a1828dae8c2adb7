import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

const modeColumn = () =>
  new TableColumn({ name: 'mode', type: 'varchar', length: '8', isNullable: false, default: "'test'" });

/**
 * Test and live data never mix: merchants' webhook endpoints and outbox events get a mode, so a
 * test event only ever reaches a test endpoint. Existing rows take their mode from what made them:
 * an endpoint from the key that registered it (the audit trail names it), an event from its payment.
 */
export class LivemodeSeparation1770600000000 implements MigrationInterface {
  name = 'LivemodeSeparation1770600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('webhook_endpoints', modeColumn());
    await q.addColumn('webhook_outbox', modeColumn());
    await q.query(
      `UPDATE webhook_endpoints SET mode = 'live' WHERE id IN (
         SELECT a.resource_id FROM audit_entries a JOIN api_keys k ON k.id = a.actor_id
         WHERE a.action = 'webhook_endpoint.created' AND a.actor_type = 'api_key' AND k.mode = 'live')`,
    );
    await q.query(
      `UPDATE webhook_outbox SET mode = 'live' WHERE resource_id IN (
         SELECT id FROM payments WHERE mode = 'live'
         UNION SELECT r.id FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE p.mode = 'live')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('webhook_outbox', 'mode');
    await q.dropColumn('webhook_endpoints', 'mode');
  }
}

import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A refund on a gateway that refunds per capture (PayPal) reserves its amount against named
 * captures: `parts` holds that allocation, so concurrent refunds never pick the same capture.
 * Existing refunds keep `null` and are allocated from the newest capture back, as before.
 */
export class RefundCaptureParts1770700000000 implements MigrationInterface {
  name = 'RefundCaptureParts1770700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('refunds', new TableColumn({ name: 'parts', type: 'text', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('refunds', 'parts');
  }
}

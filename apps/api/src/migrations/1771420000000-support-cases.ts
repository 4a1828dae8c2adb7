import {
  Table,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
  type TableColumnOptions,
} from 'typeorm';
import { baseColumns, columnTypes, varcharColumn } from '@payrail/database';

const str = varcharColumn;
const text = (name: string, isNullable = true): TableColumnOptions => ({ name, type: 'text', isNullable });
const int = (name: string): TableColumnOptions => ({ name, type: 'integer' });

/** Support cases with their timeline, and the SLA policies and business-hours calendars their clocks run on. */
export class SupportCases1771420000000 implements MigrationInterface {
  name = 'SupportCases1771420000000';

  async up(q: QueryRunner): Promise<void> {
    const t = columnTypes(q);
    const ts = (name: string, isNullable = true): TableColumnOptions => ({
      name,
      type: t.timestamp,
      isNullable,
    });
    await q.createTable(
      new Table({
        name: 'support_calendars',
        columns: [
          ...baseColumns(q),
          str('name', 100),
          str('time_zone', 64),
          text('working_days', false),
          int('start_minute'),
          int('end_minute'),
          text('holidays', false),
        ],
      }),
      true,
    );
    await q.createTable(
      new Table({
        name: 'support_sla_policies',
        columns: [
          ...baseColumns(q),
          str('priority', 2),
          int('first_response_minutes'),
          int('resolution_minutes'),
          int('at_risk_minutes'),
          str('calendar_id', 40, true),
        ],
        indices: [
          new TableIndex({
            name: 'IDX_support_sla_policies_priority',
            columnNames: ['priority'],
            isUnique: true,
          }),
        ],
      }),
      true,
    );
    await q.createTable(
      new Table({
        name: 'support_cases',
        columns: [
          ...baseColumns(q),
          str('subject', 200),
          text('description'),
          str('priority', 2),
          str('status', 16),
          str('tier', 2),
          str('merchant_id', 40, true),
          str('requester_id', 40, true),
          str('assignee_id', 40, true),
          text('payment_ids', false),
          text('issue_ids', false),
          ts('opened_at', false),
          ts('clock_started_at', false),
          ts('first_response_due_at', false),
          ts('resolution_due_at', false),
          ts('first_responded_at'),
          ts('resolved_at'),
          ts('closed_at'),
          text('sla_terms', false),
          text('escalated_targets', false),
          text('breached_targets', false),
        ],
        indices: [
          new TableIndex({
            name: 'IDX_support_cases_status_due',
            columnNames: ['status', 'first_response_due_at'],
          }),
          new TableIndex({ name: 'IDX_support_cases_merchant', columnNames: ['merchant_id', 'status'] }),
        ],
      }),
      true,
    );
    await q.createTable(
      new Table({
        name: 'support_case_events',
        columns: [
          ...baseColumns(q),
          str('case_id', 40),
          str('type', 32),
          str('actor_id', 40, true),
          text('body'),
          text('data'),
        ],
        indices: [
          new TableIndex({ name: 'IDX_support_case_events_case', columnNames: ['case_id', 'created_at'] }),
        ],
      }),
      true,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['support_case_events', 'support_cases', 'support_sla_policies', 'support_calendars'])
      await q.dropTable(table, true);
  }
}

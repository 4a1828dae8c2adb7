/**
 * What Payrail keeps for a limited time, per retention class of docs/compliance/data-map.yaml:
 * the default period, the shortest allowed, and which rows a purge may take. The conditions keep
 * what an open case still needs: payments flagged for review or with a call in flight, undelivered
 * webhooks, and every row of a merchant with an access request still open.
 */

export interface RetentionTarget {
  table: string;
  /** SQL for the row's age, compared with the cutoff (`t` is the table's alias). */
  age: string;
  /** Further SQL conditions a row must meet to go. */
  when?: string[];
  /** The column naming the merchant, to keep rows an open access request needs. */
  merchantColumn?: string;
  /** Rows that hang off this one and go with it: table and the column holding this row's id. */
  children?: Array<{ table: string; column: string; children?: Array<{ table: string; column: string }> }>;
  /** Instead of deleting the row, set these columns to these values (the row itself is kept). */
  clear?: Record<string, string | null>;
}

export interface RetentionClass {
  name: string;
  description: string;
  defaultDays: number;
  minDays: number;
  targets: RetentionTarget[];
}

const REVIEWED_OR_IN_FLIGHT = (paymentId: string) =>
  `NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = ${paymentId} AND (p.needs_review = TRUE OR p.in_flight IS NOT NULL))`;

export const RETENTION_CLASSES: readonly RetentionClass[] = [
  {
    name: 'webhook-inbox',
    description: 'Raw gateway webhook bodies and headers, once applied, ignored or failed',
    defaultDays: 90,
    minDays: 7,
    targets: [
      {
        table: 'webhook_inbox',
        age: 't.received_at',
        when: [
          "t.state <> 'received'",
          'NOT EXISTS (SELECT 1 FROM payments p WHERE p.gateway_reference = t.payment_reference AND p.needs_review = TRUE)',
        ],
        merchantColumn: 'merchant_id',
      },
    ],
  },
  {
    name: 'outbox-events',
    description: 'Events sent to merchant endpoints, once every delivery is finished',
    defaultDays: 90,
    minDays: 7,
    targets: [
      {
        table: 'webhook_outbox',
        age: 't.created_at',
        when: [
          "t.state = 'dispatched'",
          "NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = t.id AND d.state IN ('pending', 'sending', 'retrying'))",
        ],
        merchantColumn: 'merchant_id',
        children: [
          {
            table: 'webhook_deliveries',
            column: 'event_id',
            children: [{ table: 'webhook_delivery_attempts', column: 'delivery_id' }],
          },
        ],
      },
    ],
  },
  {
    name: 'delivery-logs',
    description: 'Tries to deliver an outbound webhook, with the response excerpts',
    defaultDays: 30,
    minDays: 1,
    targets: [{ table: 'webhook_delivery_attempts', age: 't.created_at' }],
  },
  {
    name: 'payment-timelines',
    description: "Payments' timeline events and settled gateway calls",
    defaultDays: 730,
    minDays: 90,
    targets: [
      { table: 'payment_events', age: 't.created_at', when: [REVIEWED_OR_IN_FLIGHT('t.payment_id')] },
      {
        table: 'payment_attempts',
        age: 't.created_at',
        when: ["t.status IN ('succeeded', 'failed')", REVIEWED_OR_IN_FLIGHT('t.payment_id')],
        merchantColumn: 'merchant_id',
      },
    ],
  },
  {
    name: 'sessions',
    description: 'Console sessions after they ended',
    defaultDays: 30,
    minDays: 1,
    targets: [{ table: 'console_sessions', age: 'COALESCE(t.revoked_at, t.expires_at)' }],
  },
  {
    name: 'idempotency-records',
    description: 'Stored responses of completed requests, replayed for a repeated Idempotency-Key',
    defaultDays: 2,
    minDays: 1,
    targets: [
      {
        table: 'idempotency_keys',
        age: 't.created_at',
        when: ["t.state = 'completed'"],
        merchantColumn: 'merchant_id',
      },
    ],
  },
  {
    name: 'jobs',
    description: 'Finished background jobs',
    defaultDays: 30,
    minDays: 1,
    targets: [{ table: 'jobs', age: 't.finished_at', when: ["t.state IN ('completed', 'dead')"] }],
  },
  {
    name: 'privacy-exports',
    description: 'Access exports, after their request completed (the request and its certificate stay)',
    defaultDays: 30,
    minDays: 1,
    targets: [
      {
        table: 'privacy_requests',
        age: 't.completed_at',
        when: ['t.export_sealed IS NOT NULL'],
        clear: { export_sealed: null },
      },
    ],
  },
  {
    name: 'reconciliation-raw',
    description:
      "The gateway's raw settlement rows (matched results, amounts and references stay), unless an open exception needs them",
    defaultDays: 400,
    minDays: 90,
    targets: [
      {
        table: 'settlement_records',
        age: 't.occurred_at',
        when: [
          "t.raw <> '{}'",
          "NOT EXISTS (SELECT 1 FROM reconciliation_exceptions e WHERE e.record_id = t.id AND e.status = 'open')",
        ],
        merchantColumn: 'merchant_id',
        clear: { raw: '{}' },
      },
      { table: 'settlement_payouts', age: 't.created_at', when: ["t.raw <> '{}'"], clear: { raw: '{}' } },
    ],
  },
  {
    name: 'support-cases',
    description: 'Closed support cases and their comments',
    defaultDays: 730,
    minDays: 90,
    targets: [
      {
        table: 'support_cases',
        age: 't.updated_at',
        when: ["t.status = 'closed'"],
        merchantColumn: 'merchant_id',
        children: [{ table: 'support_case_events', column: 'case_id' }],
      },
    ],
  },
];

/** `PAYRAIL_RETENTION_<CLASS>_DAYS`: the class in capitals, `-` as `_`. */
export const retentionVariable = (name: string) =>
  `PAYRAIL_RETENTION_${name.toUpperCase().replace(/-/g, '_')}_DAYS`;

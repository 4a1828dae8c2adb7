import type { ErasureTreatment } from './data-map';

/**
 * Where a data subject's records are, and what erasure does to each column (the same treatments
 * as docs/compliance/data-map.yaml; data-map.spec.ts holds the two together). A row is about the
 * subject when it is linked to the subject's payments, sessions or refunds, or when one of its
 * columns holds the subject's email.
 */
export type SubjectLink =
  /** The subject's own rows, found by their email column. */
  | { kind: 'email'; column: string }
  /** Rows whose column holds one of the subject's payment ids. */
  | { kind: 'payment'; column: string }
  /** Rows whose column holds a payment, refund or session id of the subject. */
  | { kind: 'resource'; column: string }
  /** Rows whose column holds a gateway reference of the subject's payments. */
  | { kind: 'gateway_reference'; column: string }
  /** Rows of the subject's outbox events' deliveries. */
  | { kind: 'delivery'; column: string }
  /** Rows of the subject's Payrail customers. */
  | { kind: 'customer'; column: string }
  /** Rows whose column holds a JSON list naming one of the subject's payments. */
  | { kind: 'payment_list'; column: string }
  /** Rows of the subject's support cases. */
  | { kind: 'case'; column: string }
  /** Only rows whose text holds the subject's email. */
  | { kind: 'text' };

export interface SubjectTable {
  table: string;
  link: SubjectLink;
  merchantColumn?: string;
  columns: Record<string, Exclude<ErasureTreatment, 'keep'>>;
}

export const SUBJECT_TABLES: readonly SubjectTable[] = [
  // Payrail customers go entirely (after the gateways erased theirs); their payments keep the amounts.
  {
    table: 'customers',
    link: { kind: 'email', column: 'email' },
    merchantColumn: 'merchant_id',
    columns: { email: 'delete', name: 'delete', phone: 'delete', metadata: 'delete' },
  },
  {
    table: 'customer_gateway_profiles',
    link: { kind: 'customer', column: 'customer_id' },
    columns: { customer_id: 'delete', gateway_customer_reference: 'delete' },
  },
  {
    table: 'saved_payment_methods',
    link: { kind: 'customer', column: 'customer_id' },
    merchantColumn: 'merchant_id',
    columns: { customer_id: 'delete', card_last4: 'delete' },
  },
  {
    table: 'payments',
    link: { kind: 'email', column: 'customer_email' },
    merchantColumn: 'merchant_id',
    columns: {
      customer_email: 'pseudonym',
      customer_name: 'null',
      description: 'scrub',
      metadata: 'scrub',
      failure_message: 'scrub',
    },
  },
  {
    table: 'payment_sessions',
    link: { kind: 'email', column: 'customer_email' },
    merchantColumn: 'merchant_id',
    columns: { customer_email: 'pseudonym', customer_name: 'null', description: 'scrub', metadata: 'scrub' },
  },
  {
    table: 'refunds',
    link: { kind: 'payment', column: 'payment_id' },
    merchantColumn: 'merchant_id',
    columns: { reason: 'scrub', failure_message: 'scrub' },
  },
  {
    table: 'payment_attempts',
    link: { kind: 'payment', column: 'payment_id' },
    merchantColumn: 'merchant_id',
    columns: { request: 'scrub', error_message: 'scrub' },
  },
  {
    table: 'payment_events',
    link: { kind: 'payment', column: 'payment_id' },
    columns: { message: 'scrub', data: 'scrub' },
  },
  {
    table: 'idempotency_keys',
    link: { kind: 'resource', column: 'resource_id' },
    merchantColumn: 'merchant_id',
    columns: { response_body: 'scrub' },
  },
  {
    table: 'webhook_inbox',
    link: { kind: 'gateway_reference', column: 'payment_reference' },
    merchantColumn: 'merchant_id',
    columns: { event: 'scrub', raw_body: 'scrub', headers: 'scrub' },
  },
  {
    table: 'webhook_outbox',
    link: { kind: 'resource', column: 'resource_id' },
    merchantColumn: 'merchant_id',
    columns: { data: 'scrub' },
  },
  {
    table: 'webhook_delivery_attempts',
    link: { kind: 'delivery', column: 'delivery_id' },
    columns: { response_excerpt: 'scrub' },
  },
  {
    table: 'support_cases',
    link: { kind: 'payment_list', column: 'payment_ids' },
    merchantColumn: 'merchant_id',
    columns: { subject: 'scrub', description: 'scrub' },
  },
  { table: 'support_case_events', link: { kind: 'case', column: 'case_id' }, columns: { body: 'scrub' } },
  { table: 'jobs', link: { kind: 'text' }, columns: { payload: 'scrub' } },
  {
    table: 'settlement_records',
    link: { kind: 'gateway_reference', column: 'payment_reference' },
    merchantColumn: 'merchant_id',
    columns: { raw: 'scrub' },
  },
  { table: 'settlement_payouts', link: { kind: 'text' }, columns: { raw: 'scrub' } },
  {
    table: 'reconciliation_exceptions',
    link: { kind: 'payment', column: 'payment_id' },
    merchantColumn: 'merchant_id',
    columns: { gateway_side: 'scrub', resolution_note: 'scrub' },
  },
];

/** Columns the eraser clears on other privacy requests of the same subject (their sealed exports and subjects). */
export const PRIVACY_COLUMNS: Record<string, Record<string, Exclude<ErasureTreatment, 'keep'>>> = {
  privacy_requests: { subject_sealed: 'null', export_sealed: 'null' },
};

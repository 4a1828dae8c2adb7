/** The wire shapes of Square's payment, refund and payout resources, as the sandbox stores them. */

export interface Money {
  amount: number;
  currency: string;
}

export type Json = Record<string, unknown>;

export interface Payment {
  id: string;
  created_at: string;
  updated_at: string;
  amount_money: Money;
  tip_money?: Money;
  total_money: Money;
  approved_money: Money;
  refunded_money?: Money;
  processing_fee?: { effective_at: string; type: string; amount_money: Money }[];
  status: 'APPROVED' | 'PENDING' | 'COMPLETED' | 'CANCELED' | 'FAILED';
  delay_duration: string;
  delay_action: 'CANCEL' | 'COMPLETE';
  delayed_until: string;
  source_type: 'CARD';
  card_details: Json & {
    status: 'AUTHORIZED' | 'CAPTURED' | 'VOIDED' | 'FAILED';
    card_payment_timeline: Json;
  };
  location_id: string;
  order_id: string;
  reference_id?: string;
  note?: string;
  customer_id?: string;
  buyer_email_address?: string;
  refund_ids?: string[];
  receipt_number: string;
  receipt_url?: string;
  application_details: Json;
  capabilities?: string[];
  version_token: string;
}

export interface Refund {
  id: string;
  status: 'PENDING' | 'COMPLETED' | 'REJECTED' | 'FAILED';
  location_id: string;
  amount_money: Money;
  payment_id: string;
  order_id: string;
  reason?: string;
  destination_type: 'CARD';
  created_at: string;
  updated_at: string;
}

export interface Payout {
  id: string;
  status: 'SENT' | 'FAILED' | 'PAID';
  location_id: string;
  created_at: string;
  updated_at: string;
  amount_money: Money;
  destination: { type: 'BANK_ACCOUNT'; id: string };
  version: number;
  type: 'BATCH';
  arrival_date: string;
  end_to_end_id: string;
}

export interface PayoutEntry {
  id: string;
  payout_id: string;
  effective_at: string;
  type: 'CHARGE' | 'REFUND' | 'DISPUTE' | 'FEE';
  gross_amount_money: Money;
  fee_amount_money: Money;
  net_amount_money: Money;
  type_charge_details?: { payment_id: string };
  type_refund_details?: { payment_id: string; refund_id: string };
  type_dispute_details?: { payment_id: string; dispute_id: string };
  type_fee_details?: { payment_id?: string };
}

export interface StoredCard extends Json {
  id: string;
}

export interface SandboxAccount {
  merchantId: string;
  locationId: string;
  currency: string;
  businessName: string;
}

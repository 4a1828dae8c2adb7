// PayPal disputes: CUSTOMER.DISPUTE.* events. A dispute names the capture; Payrail's PayPal
// payments are known by their authorization, which the capture's `up` link gives.
import { Readable } from 'node:stream';
import type { Client } from '@paypal/paypal-server-sdk';
import { paypalSdk } from './paypal.sdk';
import type {
  DisputeEvidenceCategory,
  DisputeEvidenceFile,
  GatewayDispute,
  GatewayDisputeStatus,
} from '@payrail/plugin-sdk';
import { fromPayPalMoney } from './paypal.transformers';

export const PAYPAL_DISPUTE_EVENT_TYPES = [
  'CUSTOMER.DISPUTE.CREATED',
  'CUSTOMER.DISPUTE.UPDATED',
  'CUSTOMER.DISPUTE.RESOLVED',
] as const;

export interface PayPalDisputeWire {
  dispute_id?: string;
  reason?: string;
  status?: string;
  dispute_life_cycle_stage?: string;
  dispute_amount?: { currency_code?: string; value?: string };
  seller_response_due_date?: string;
  dispute_outcome?: { outcome_code?: string };
  disputed_transactions?: { seller_transaction_id?: string }[];
}

function disputeStatus(wire: PayPalDisputeWire): GatewayDisputeStatus {
  if (wire.status === 'RESOLVED')
    return wire.dispute_outcome?.outcome_code === 'RESOLVED_SELLER_FAVOUR' ? 'won' : 'lost';
  if (wire.status === 'UNDER_REVIEW') return 'under_review';
  return 'needs_response';
}

export function paypalDispute(wire: PayPalDisputeWire): GatewayDispute {
  const currency = wire.dispute_amount?.currency_code ?? 'USD';
  return {
    reference: wire.dispute_id ?? '',
    amount: fromPayPalMoney({ currencyCode: currency, value: wire.dispute_amount?.value ?? '0' }, currency),
    currency,
    reason: wire.reason ?? 'OTHER',
    status: disputeStatus(wire),
    gatewayStatus: wire.status ?? 'OPEN',
    ...(wire.seller_response_due_date ? { evidenceDueBy: new Date(wire.seller_response_due_date) } : {}),
    inquiry: wire.dispute_life_cycle_stage === 'INQUIRY',
  };
}

/** The capture a dispute is about. */
export function disputedCapture(wire: PayPalDisputeWire): string | undefined {
  return wire.disputed_transactions?.[0]?.seller_transaction_id;
}

/**
 * Evidence through PayPal's disputes API (v1), which the SDK has no client for: its own request
 * builder (same OAuth token, same endpoint). Text evidence goes as JSON; a document goes as the
 * multipart form (`input` JSON beside `evidence-file`), see `submitPayPalEvidenceFile`.
 */
export async function submitPayPalEvidence(
  client: Client,
  reference: string,
  text: string,
): Promise<GatewayDispute> {
  const path = `/v1/customer/disputes/${encodeURIComponent(reference)}`;
  const submit = client.getRequestBuilderFactory()('POST', `${path}/provide-evidence`);
  submit.header('Content-Type', 'application/json');
  submit.json({ evidences: [{ evidence_type: 'OTHER', notes: text.slice(0, 2000) }] });
  submit.authenticate([{ oauth2: true }]);
  await submit.call();
  const read = client.getRequestBuilderFactory()('GET', path);
  read.authenticate([{ oauth2: true }]);
  const { result } = await read.callAsText();
  return paypalDispute(JSON.parse(result) as PayPalDisputeWire);
}

/** The evidence type a document of each category is provided as. */
export const PAYPAL_EVIDENCE_TYPE: Record<DisputeEvidenceCategory, string> = {
  receipt: 'PROOF_OF_RECEIPT_COPY',
  shipping: 'PROOF_OF_DELIVERY_SIGNATURE',
  customer_communication: 'OTHER',
  refund_policy: 'RETURN_POLICY',
  other: 'OTHER',
};

/**
 * A document through provide-evidence (multipart/form-data: the `input` JSON naming the document,
 * and the file as `evidence-file`), built with the SDK's request builder and `FileWrapper`. PayPal
 * files the document under the dispute by its name, which is what Payrail keeps as its reference.
 */
export async function submitPayPalEvidenceFile(
  client: Client,
  reference: string,
  file: DisputeEvidenceFile,
): Promise<{ fileReference: string; dispute: GatewayDispute }> {
  const path = `/v1/customer/disputes/${encodeURIComponent(reference)}`;
  const submit = client.getRequestBuilderFactory()('POST', `${path}/provide-evidence`);
  submit.formData({
    input: JSON.stringify({
      evidences: [
        {
          evidence_type: PAYPAL_EVIDENCE_TYPE[file.category],
          documents: [{ name: file.name }],
          notes: `Evidence document: ${file.name}`,
        },
      ],
    }),
    'evidence-file': new (paypalSdk().FileWrapper)(Readable.from([file.data]), {
      filename: file.name,
      contentType: file.contentType,
    }),
  });
  submit.authenticate([{ oauth2: true }]);
  await submit.call();
  const read = client.getRequestBuilderFactory()('GET', path);
  read.authenticate([{ oauth2: true }]);
  const { result } = await read.callAsText();
  return { fileReference: file.name, dispute: paypalDispute(JSON.parse(result) as PayPalDisputeWire) };
}

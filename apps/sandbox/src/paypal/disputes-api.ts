import { evidenceDocuments } from './evidence-documents';
import { issueError } from './paypal-errors';
import { isoSeconds, paypalId, renderMoney, type DisputeRecord } from './paypal-store';
import type { Context, Reply } from './sandbox-types';
import type { paypalEvents } from './events';
import type { PayPalWorld } from './world';

export const DISPUTE_REASONS = [
  'MERCHANDISE_OR_SERVICE_NOT_RECEIVED',
  'MERCHANDISE_OR_SERVICE_NOT_AS_DESCRIBED',
  'UNAUTHORISED',
  'CREDIT_NOT_PROCESSED',
  'DUPLICATE_TRANSACTION',
  'INCORRECT_AMOUNT',
  'PAYMENT_BY_OTHER_MEANS',
  'CANCELED_RECURRING_BILLING',
  'PROBLEM_WITH_REMITTANCE',
  'OTHER',
] as const;

const EVIDENCE_TYPES = [
  'PROOF_OF_FULFILLMENT',
  'PROOF_OF_REFUND',
  'PROOF_OF_DELIVERY_SIGNATURE',
  'PROOF_OF_RECEIPT_COPY',
  'RETURN_POLICY',
  'BILLING_AGREEMENT',
  'PROOF_OF_RESHIPMENT',
  'ITEM_DESCRIPTION',
  'OTHER',
];

const DISPUTE_STATE: Record<DisputeRecord['status'], string> = {
  OPEN: 'OPEN_INQUIRIES',
  WAITING_FOR_SELLER_RESPONSE: 'REQUIRED_ACTION',
  UNDER_REVIEW: 'UNDER_PAYPAL_REVIEW',
  RESOLVED: 'RESOLVED',
};

/** The `input` part of a multipart/form-data body: the disputes API takes its JSON there, beside files. */
export function multipartInput(raw: string, contentType: string): Record<string, unknown> {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) throw issueError('INVALID_PARAMETER_SYNTAX', { field: 'Content-Type', location: 'header' });
  for (const part of raw.split(`--${boundary}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0 || !/name="input"/i.test(part.slice(0, split))) continue;
    try {
      return JSON.parse(part.slice(split + 4).replace(/\r\n$/, '')) as Record<string, unknown>;
    } catch {
      throw issueError('MALFORMED_REQUEST_JSON', { description: 'The input part is not well-formed JSON.' });
    }
  }
  throw issueError('MISSING_REQUIRED_PARAMETER', {
    field: 'input',
    description: 'The input part is missing.',
  });
}

/**
 * PayPal's disputes API (v1) over the sandbox's captures. A test control opens a dispute on a
 * capture; the chargeback and its reversal are Transaction Search rows (T1201, T1202).
 */
export function paypalDisputes(w: PayPalWorld, events: ReturnType<typeof paypalEvents>) {
  const { store, href } = w;

  const summary = (d: DisputeRecord) => ({
    dispute_id: d.id,
    create_time: isoSeconds(d.createTime),
    update_time: isoSeconds(d.updateTime),
    reason: d.reason,
    status: d.status,
    dispute_state: DISPUTE_STATE[d.status],
    dispute_amount: renderMoney(d.amount),
    dispute_life_cycle_stage: d.stage,
    dispute_channel: 'INTERNAL',
    seller_response_due_date: isoSeconds(d.sellerResponseDue),
    links: [href(`/v1/customer/disputes/${d.id}`, 'self')],
  });

  const render = (d: DisputeRecord) => {
    const capture = store.captures.get(d.captureId);
    const open = d.status !== 'RESOLVED';
    return {
      ...summary(d),
      disputed_transactions: [
        {
          seller_transaction_id: d.captureId,
          create_time: isoSeconds(capture?.createTime ?? d.createTime),
          transaction_status: 'COMPLETED',
          gross_amount: renderMoney(capture?.amount ?? d.amount),
          ...(capture?.invoiceId ? { invoice_number: capture.invoiceId } : {}),
          ...(capture?.customId ? { custom: capture.customId } : {}),
        },
      ],
      ...(d.outcome
        ? {
            dispute_outcome: {
              outcome_code: d.outcome,
              ...(d.outcome === 'RESOLVED_SELLER_FAVOUR' ? {} : { amount_refunded: renderMoney(d.amount) }),
            },
          }
        : {}),
      ...(d.evidences.length
        ? {
            evidences: d.evidences.map((e) => ({
              evidence_type: e.evidence_type,
              ...(e.notes ? { notes: e.notes } : {}),
              ...(e.documents?.length ? { documents: e.documents } : {}),
              date: isoSeconds(e.date),
            })),
          }
        : {}),
      links: [
        href(`/v1/customer/disputes/${d.id}`, 'self'),
        ...(open
          ? [
              href(`/v1/customer/disputes/${d.id}/provide-evidence`, 'provide_evidence', 'POST'),
              href(`/v1/customer/disputes/${d.id}/accept-claim`, 'accept_claim', 'POST'),
            ]
          : []),
      ],
    };
  };

  const find = (id: string, clientId: string): DisputeRecord =>
    store.find(store.disputes, id, clientId, 'dispute_id');

  function notify(d: DisputeRecord, type: string): void {
    events.emit(d.clientId, events.envelope(type, 'dispute', render(d)));
  }

  function money(d: DisputeRecord, eventCode: 'T1201' | 'T1202', amount: number): void {
    const capture = store.captures.get(d.captureId);
    store.transactions.push({
      clientId: d.clientId,
      id: paypalId(),
      referenceId: d.captureId,
      eventCode,
      status: 'S',
      amount,
      fee: 0,
      currency: d.amount.currency,
      invoiceId: capture?.invoiceId,
      customField: capture?.customId,
      balanceAffecting: true,
      time: new Date(),
    });
  }

  /** The sandbox control: the buyer disputes a completed capture. */
  function open(input: { captureId: string; reason?: string; inquiry?: boolean }): DisputeRecord {
    const capture = store.captures.get(input.captureId);
    if (!capture || !['COMPLETED', 'PARTIALLY_REFUNDED'].includes(capture.status))
      throw issueError('INVALID_RESOURCE_ID', {
        field: 'capture_id',
        value: input.captureId,
        description: 'Only a completed capture can be disputed.',
      });
    if ([...store.disputes.values()].some((d) => d.captureId === capture.id))
      throw issueError('INVALID_PARAMETER_VALUE', {
        field: 'capture_id',
        description: 'This capture already has a dispute.',
      });
    const reason = input.reason ?? 'MERCHANDISE_OR_SERVICE_NOT_RECEIVED';
    if (!(DISPUTE_REASONS as readonly string[]).includes(reason))
      throw issueError('INVALID_PARAMETER_VALUE', { field: 'reason', value: reason });
    const now = new Date();
    const dispute: DisputeRecord = {
      id: `PP-D-${paypalId(5)}`,
      clientId: capture.clientId,
      captureId: capture.id,
      reason,
      status: input.inquiry ? 'OPEN' : 'WAITING_FOR_SELLER_RESPONSE',
      stage: input.inquiry ? 'INQUIRY' : 'CHARGEBACK',
      amount: { minor: capture.amount.minor - capture.refunded, currency: capture.amount.currency },
      evidences: [],
      sellerResponseDue: new Date(now.getTime() + 10 * 86400_000),
      createTime: now,
      updateTime: now,
    };
    store.disputes.set(dispute.id, dispute);
    if (!input.inquiry) money(dispute, 'T1201', -dispute.amount.minor);
    notify(dispute, 'CUSTOMER.DISPUTE.CREATED');
    return dispute;
  }

  function resolve(d: DisputeRecord, outcome: NonNullable<DisputeRecord['outcome']>): void {
    if (d.status === 'RESOLVED')
      throw issueError('INVALID_PARAMETER_VALUE', {
        field: 'dispute_id',
        value: d.id,
        description: 'The dispute is resolved.',
      });
    d.status = 'RESOLVED';
    d.outcome = outcome;
    d.updateTime = new Date();
    if (outcome === 'RESOLVED_SELLER_FAVOUR' && d.stage === 'CHARGEBACK') money(d, 'T1202', d.amount.minor);
    if (outcome !== 'RESOLVED_SELLER_FAVOUR' && d.stage === 'INQUIRY') money(d, 'T1201', -d.amount.minor);
    notify(d, 'CUSTOMER.DISPUTE.RESOLVED');
  }

  const action = (d: DisputeRecord): Reply => ({
    status: 200,
    body: { links: [href(`/v1/customer/disputes/${d.id}`, 'self')] },
  });

  /** The test controls: `POST /_sandbox/disputes` opens one, `…/{id}/resolve` decides it. */
  function control(method: string, path: string, body: Record<string, unknown>): Reply | undefined {
    if (method === 'POST' && path === '/_sandbox/disputes') {
      const dispute = open({
        captureId: String(body['capture_id'] ?? ''),
        reason: typeof body['reason'] === 'string' ? body['reason'] : undefined,
        inquiry: body['inquiry'] === true,
      });
      return { status: 201, body: { dispute_id: dispute.id } };
    }
    const decide = /^\/_sandbox\/disputes\/([A-Za-z0-9-]+)\/resolve$/.exec(path);
    if (method !== 'POST' || !decide) return undefined;
    const dispute = store.disputes.get(decide[1]);
    const outcome = body['outcome'];
    if (!dispute || (outcome !== 'WON' && outcome !== 'LOST'))
      throw issueError('INVALID_PARAMETER_VALUE', {
        field: 'outcome',
        description: 'A known dispute id, and outcome WON or LOST.',
      });
    resolve(dispute, outcome === 'WON' ? 'RESOLVED_SELLER_FAVOUR' : 'RESOLVED_BUYER_FAVOUR');
    return { status: 204 };
  }

  return {
    open,
    control,
    resolve: (id: string, clientId: string, outcome: 'WON' | 'LOST') =>
      resolve(find(id, clientId), outcome === 'WON' ? 'RESOLVED_SELLER_FAVOUR' : 'RESOLVED_BUYER_FAVOUR'),
    list(ctx: Context): Reply {
      const items = [...store.disputes.values()]
        .filter((d) => d.clientId === ctx.clientId)
        .filter(
          (d) =>
            !ctx.query.get('disputed_transaction_id') ||
            d.captureId === ctx.query.get('disputed_transaction_id'),
        )
        .sort((a, b) => b.createTime.getTime() - a.createTime.getTime());
      return {
        status: 200,
        body: {
          ...(items.length ? { items: items.map(summary) } : {}),
          links: [href('/v1/customer/disputes', 'self')],
        },
      };
    },
    get: (ctx: Context): Reply => ({ status: 200, body: render(find(ctx.params[0], ctx.clientId)) }),
    provideEvidence(ctx: Context): Reply {
      const d = find(ctx.params[0], ctx.clientId);
      if (d.status !== 'WAITING_FOR_SELLER_RESPONSE' && d.status !== 'OPEN')
        throw issueError('INVALID_PARAMETER_VALUE', {
          field: 'dispute_id',
          value: d.id,
          description: `Evidence cannot be provided while the dispute is ${d.status}.`,
        });
      const evidences = ctx.body['evidences'];
      if (!Array.isArray(evidences) || evidences.length === 0)
        throw issueError('MISSING_REQUIRED_PARAMETER', { field: '/evidences' });
      // Documents an evidence names by `documents[].name` go with it; the rest with the first.
      const uploaded = evidenceDocuments(ctx.files ?? []);
      const named = new Set(
        evidences.flatMap((e) =>
          ((e as { documents?: { name?: unknown }[] } | null)?.documents ?? []).map((doc) =>
            String(doc?.name),
          ),
        ),
      );
      for (const name of named)
        if (!uploaded.some((doc) => doc.name === name))
          throw issueError('MISSING_REQUIRED_PARAMETER', {
            field: 'evidence-file',
            description: `The document ${name.slice(0, 100)} is named in the input but not uploaded.`,
          });
      const staged: DisputeRecord['evidences'] = [];
      for (const [i, e] of evidences.entries()) {
        const item = (e ?? {}) as Record<string, unknown>;
        const type = String(item['evidence_type'] ?? '');
        if (!EVIDENCE_TYPES.includes(type))
          throw issueError('INVALID_PARAMETER_VALUE', {
            field: `/evidences/${i}/evidence_type`,
            value: type,
          });
        const notes = item['notes'];
        if (notes !== undefined && (typeof notes !== 'string' || notes.length > 2000))
          throw issueError('INVALID_STRING_LENGTH', { field: `/evidences/${i}/notes` });
        const own = ((item['documents'] as { name?: unknown }[] | undefined) ?? []).map((doc) => ({
          name: String(doc?.name),
        }));
        const loose =
          i === 0 ? uploaded.filter((doc) => !named.has(doc.name)).map(({ name }) => ({ name })) : [];
        const documents = [...own, ...loose];
        staged.push({
          evidence_type: type,
          notes: notes as string | undefined,
          ...(documents.length ? { documents } : {}),
          date: new Date(),
        });
      }
      d.evidences.push(...staged);
      d.status = 'UNDER_REVIEW';
      d.updateTime = new Date();
      notify(d, 'CUSTOMER.DISPUTE.UPDATED');
      return action(d);
    },
    acceptClaim(ctx: Context): Reply {
      const d = find(ctx.params[0], ctx.clientId);
      resolve(d, 'ACCEPTED');
      return action(d);
    },
    /** PayPal's own sandbox-only call: settles the dispute for the buyer or the seller. */
    adjudicate(ctx: Context): Reply {
      const d = find(ctx.params[0], ctx.clientId);
      const outcome = ctx.body['adjudication_outcome'];
      if (outcome !== 'BUYER_FAVOR' && outcome !== 'SELLER_FAVOR')
        throw issueError('INVALID_PARAMETER_VALUE', {
          field: '/adjudication_outcome',
          value: String(outcome),
        });
      resolve(d, outcome === 'SELLER_FAVOR' ? 'RESOLVED_SELLER_FAVOUR' : 'RESOLVED_BUYER_FAVOUR');
      return action(d);
    },
  };
}

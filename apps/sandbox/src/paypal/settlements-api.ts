import { issueError } from './paypal-errors';
import { paypalFee, paypalId, renderMoney, type TransactionRecord } from './paypal-store';
import { PAYPAL_SANDBOX_DEFAULTS, type Context, type Reply } from './sandbox-types';
import type { PayPalWorld } from './world';
import type { paypalDisputes } from './disputes-api';

/** Transaction Search answers at most this many rows for one query, whatever the paging. */
export const MAX_RESULT_SET = 10_000;
/** The chargeback fee the sandbox books beside a chargeback (T0106), in minor units. */
export const CHARGEBACK_FEE = 2000;

/**
 * Transaction Search over the account's rows, and the settlement controls: withdrawals (the
 * payouts), discrepancies, and rows in bulk. Hidden rows (`missing`, or `late` until released)
 * are not searched.
 */
export function paypalSettlements(w: PayPalWorld, disputes: ReturnType<typeof paypalDisputes>) {
  const { store, href, merchantId } = w;

  function searchTransactions(ctx: Context): Reply {
    const parseDate = (name: string): Date => {
      const raw = ctx.query.get(name);
      if (!raw)
        throw issueError('MISSING_REQUIRED_PARAMETER', {
          field: name,
          location: 'query',
          description: `${name} is required.`,
        });
      const date = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.test(raw)
        ? new Date(raw.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
        : new Date(NaN);
      if (Number.isNaN(date.getTime()))
        throw issueError('INVALID_PARAMETER_SYNTAX', {
          field: name,
          value: raw,
          location: 'query',
          description: `${name} must be an RFC 3339 date-time with seconds.`,
        });
      return date;
    };
    const from = parseDate('start_date');
    const to = parseDate('end_date');
    if (to < from)
      throw issueError('INVALID_PARAMETER_VALUE', {
        field: 'end_date',
        location: 'query',
        description: 'end_date must not be before start_date.',
      });
    if (to.getTime() - from.getTime() > 31 * 86400_000)
      throw issueError('INVALID_PARAMETER_VALUE', {
        field: 'end_date',
        location: 'query',
        description: 'Date range is greater than 31 days.',
      });
    const page = Number(ctx.query.get('page') ?? '1');
    const pageSize = Number(ctx.query.get('page_size') ?? '100');
    if (!Number.isInteger(page) || page < 1)
      throw issueError('INVALID_PARAMETER_VALUE', {
        field: 'page',
        location: 'query',
        description: 'page must be an integer of at least 1.',
      });
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500)
      throw issueError('INVALID_PARAMETER_VALUE', {
        field: 'page_size',
        location: 'query',
        description: 'page_size must be an integer from 1 to 500.',
      });
    const balanceOnly = (ctx.query.get('balance_affecting_records_only') ?? 'Y') !== 'N';
    const id = ctx.query.get('transaction_id');
    const currency = ctx.query.get('transaction_currency');
    const rows = store.transactions.filter(
      (t) =>
        t.clientId === ctx.clientId &&
        t.time >= from &&
        t.time <= to &&
        (!balanceOnly || t.balanceAffecting) &&
        (!id || t.id === id) &&
        (!currency || t.currency === currency) &&
        !t.hidden,
    );
    if (rows.length > MAX_RESULT_SET)
      throw issueError('RESULTSET_TOO_LARGE', {
        description: `The search matches ${rows.length} transactions; narrow the date range (at most ${MAX_RESULT_SET}).`,
      });
    const totalPages = Math.max(1, Math.ceil(rows.length / pageSize));
    const slice = rows.slice((page - 1) * pageSize, page * pageSize);
    const stamp = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, '+00:00');
    const details = slice.map((t) => ({
      transaction_info: {
        paypal_account_id: merchantId(t.clientId),
        transaction_id: t.id,
        ...(t.referenceId ? { paypal_reference_id: t.referenceId, paypal_reference_id_type: 'TXN' } : {}),
        transaction_event_code: t.eventCode,
        transaction_initiation_date: stamp(t.time),
        transaction_updated_date: stamp(t.time),
        transaction_amount: renderMoney({ minor: Math.abs(t.amount), currency: t.currency }),
        fee_amount: renderMoney({ minor: Math.abs(t.fee), currency: t.currency }),
        transaction_status: t.status,
        ...(t.invoiceId ? { invoice_id: t.invoiceId } : {}),
        ...(t.customField ? { custom_field: t.customField } : {}),
        protection_eligibility: '02',
      },
    }));
    // Signs are written into the decimal strings: PayPal shows money leaving as negative values.
    slice.forEach((t, i) => {
      if (t.amount < 0)
        details[i].transaction_info.transaction_amount.value =
          `-${details[i].transaction_info.transaction_amount.value}`;
      if (t.fee < 0)
        details[i].transaction_info.fee_amount.value = `-${details[i].transaction_info.fee_amount.value}`;
    });
    const query = (p: number) => {
      const q = new URLSearchParams(ctx.query);
      q.set('page', String(p));
      return `/v1/reporting/transactions?${q.toString()}`;
    };
    return {
      status: 200,
      body: {
        ...(details.length ? { transaction_details: details } : {}),
        account_number: merchantId(ctx.clientId),
        start_date: stamp(from),
        end_date: stamp(to),
        last_refreshed_datetime: stamp(new Date()),
        page,
        total_items: rows.length,
        total_pages: totalPages,
        links: [
          href(query(page), 'self'),
          ...(page < totalPages ? [href(query(page + 1), 'next')] : []),
          href(query(totalPages), 'last'),
        ],
      },
    };
  }

  const push = (row: Omit<TransactionRecord, 'time'> & { time?: Date }): TransactionRecord => {
    const full: TransactionRecord = { ...row, time: row.time ?? new Date() };
    store.transactions.push(full);
    return full;
  };

  /** The balance-affecting row of a capture or refund (or any row by its transaction id). */
  function rowOf(reference: unknown): TransactionRecord {
    const row =
      typeof reference === 'string' && reference
        ? store.transactions.find((t) => t.id === reference && t.balanceAffecting)
        : undefined;
    if (!row)
      throw issueError('INVALID_RESOURCE_ID', {
        field: 'reference',
        value: String(reference ?? ''),
        description: 'reference must be the id of a capture, refund or other Transaction Search row.',
      });
    return row;
  }

  function minor(body: Record<string, unknown>, key: string, fallback?: number): number {
    const value = body[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value))
      throw issueError('INVALID_PARAMETER_VALUE', {
        field: key,
        description: `${key} must be a whole number of minor units.`,
      });
    return value;
  }

  function currencyOf(body: Record<string, unknown>): string {
    const value = String(body['currency'] ?? 'USD').toUpperCase();
    if (!/^[A-Z]{3}$/.test(value))
      throw issueError('INVALID_PARAMETER_VALUE', { field: 'currency', description: 'An ISO 4217 code.' });
    return value;
  }

  function clientOf(body: Record<string, unknown>): string {
    const client =
      typeof body['client_id'] === 'string' ? body['client_id'] : PAYPAL_SANDBOX_DEFAULTS.clientId;
    if (!client || !w.clients.has(client))
      throw issueError('INVALID_PARAMETER_VALUE', { field: 'client_id', description: 'A known REST app.' });
    return client;
  }

  /** Withdraws each currency's whole visible balance to the bank: a T0400 row per currency. */
  function payOut(clientId: string): TransactionRecord[] {
    const balances = new Map<string, number>();
    for (const t of store.transactions)
      if (t.clientId === clientId && t.balanceAffecting && !t.hidden && t.status === 'S')
        balances.set(t.currency, (balances.get(t.currency) ?? 0) + t.amount + t.fee);
    const made: TransactionRecord[] = [];
    for (const [currency, balance] of balances)
      if (balance > 0)
        made.push(
          push({
            clientId,
            id: paypalId(),
            eventCode: 'T0400',
            status: 'S',
            amount: -balance,
            fee: 0,
            currency,
            balanceAffecting: true,
          }),
        );
    return made;
  }

  /**
   * Many captures at once, spread evenly over `days` ending `until_days_ago` days ago (default now);
   * `pairs` of them get a chargeback and its fee sharing one transaction id.
   */
  function bulk(clientId: string, body: Record<string, unknown>): { created: number } {
    const count = minor(body, 'count');
    const days = minor(body, 'days', 45);
    const pairs = minor(body, 'pairs', 0);
    const amount = minor(body, 'amount', 1000);
    const ago = minor(body, 'until_days_ago', 0);
    const currency = currencyOf(body);
    if (
      count < 1 ||
      count > 200_000 ||
      days < 1 ||
      ago < 0 ||
      days + ago > 3 * 365 ||
      pairs < 0 ||
      pairs > count ||
      amount < 1
    )
      throw issueError('INVALID_PARAMETER_VALUE', {
        description: 'count 1-200000, days 1-1095 (with until_days_ago), pairs 0-count, amount at least 1.',
      });
    const end = Date.now() - 60_000 - ago * 86400_000;
    const step = (days * 86400_000) / count;
    const fee = paypalFee({ minor: amount, currency });
    const every = pairs ? Math.max(1, Math.floor(count / pairs)) : 0;
    let paired = 0;
    for (let i = 0; i < count; i++) {
      const time = new Date(Math.round(end - days * 86400_000 + i * step));
      const capture = push({
        clientId,
        id: paypalId(),
        referenceId: paypalId(),
        eventCode: 'T0006',
        status: 'S',
        amount,
        fee: -fee,
        currency,
        balanceAffecting: true,
        time,
      });
      if (every && i % every === 0 && paired < pairs) {
        paired++;
        const id = paypalId();
        const base = {
          clientId,
          id,
          referenceId: capture.id,
          status: 'S' as const,
          fee: 0,
          currency,
          balanceAffecting: true,
          time,
        };
        push({ ...base, eventCode: 'T1201', amount: -amount });
        push({ ...base, eventCode: 'T0106', amount: -CHARGEBACK_FEE });
      }
    }
    return { created: count + 2 * paired };
  }

  function control(method: string, path: string, body: Record<string, unknown>): Reply | undefined {
    if (method !== 'POST' || !path.startsWith('/_sandbox/settlements/')) return undefined;
    const ok = (value: unknown): Reply => ({ status: 200, body: value });
    const action = path.slice('/_sandbox/settlements/'.length);
    switch (action) {
      case 'payout':
        return ok({ withdrawals: payOut(clientOf(body)) });
      case 'dispute': {
        const capture = rowOf(body['reference']);
        disputes.control('POST', '/_sandbox/disputes', { capture_id: capture.id, reason: body['reason'] });
        const chargeback = [...store.transactions]
          .reverse()
          .find((t) => t.eventCode === 'T1201' && t.referenceId === capture.id);
        if (!chargeback)
          throw issueError('INVALID_PARAMETER_VALUE', {
            field: 'reference',
            description: 'No chargeback was booked.',
          });
        // PayPal books the chargeback fee as its own row under the chargeback's transaction id.
        const fee = push({
          ...chargeback,
          eventCode: 'T0106',
          amount: -CHARGEBACK_FEE,
          fee: 0,
          time: chargeback.time,
        });
        return ok({ chargeback, fee });
      }
      case 'fee':
        return ok(
          push({
            clientId: clientOf(body),
            id: paypalId(),
            eventCode: 'T0100',
            status: 'S',
            amount: -minor(body, 'amount'),
            fee: 0,
            currency: currencyOf(body),
            balanceAffecting: true,
          }),
        );
      case 'shift': {
        const row = rowOf(body['reference']);
        const delta = minor(body, 'delta', 1);
        if (delta === 0)
          throw issueError('INVALID_PARAMETER_VALUE', {
            field: 'delta',
            description: 'delta must not be 0.',
          });
        row.amount += delta;
        return ok(row);
      }
      case 'missing':
      case 'late': {
        const row = rowOf(body['reference']);
        row.hidden = action;
        return ok(row);
      }
      case 'release': {
        let released = 0;
        for (const t of store.transactions)
          if (t.hidden === 'late') {
            delete t.hidden;
            released++;
          }
        return ok({ released });
      }
      case 'unknown': {
        const amount = minor(body, 'amount', 1000);
        const currency = currencyOf(body);
        return ok(
          push({
            clientId: clientOf(body),
            id: paypalId(),
            referenceId: paypalId(),
            eventCode: 'T0006',
            status: 'S',
            amount,
            fee: -paypalFee({ minor: amount, currency }),
            currency,
            balanceAffecting: true,
          }),
        );
      }
      case 'bulk':
        return ok(bulk(clientOf(body), body));
      default:
        throw issueError('INVALID_RESOURCE_ID', {
          field: 'path',
          value: path,
          description: 'No such settlement control; see apps/sandbox/src/paypal/README.md.',
        });
    }
  }

  return { searchTransactions, control, payOut };
}

import { randomBytes } from 'node:crypto';
import { invalid, notFound } from './errors';
import type { SquareLedger } from './payments';

type Json = Record<string, unknown>;

export interface Customer {
  id: string;
  created_at: string;
  updated_at: string;
  given_name?: string;
  family_name?: string;
  company_name?: string;
  email_address?: string;
  phone_number?: string;
  reference_id?: string;
  note?: string;
  preferences: { email_unsubscribed: boolean };
  creation_source: 'THIRD_PARTY';
  version: number;
}

const FIELDS = [
  ['given_name', 300],
  ['family_name', 300],
  ['company_name', 500],
  ['email_address', 254],
  ['phone_number', 32],
  ['reference_id', 100],
  ['note', 1000],
] as const;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ().-]{7,32}$/;

/**
 * Square's Customers API, and the customer side of the Cards API: listing a customer's cards
 * and disabling one. Deleting a customer disables its cards, so none can be charged again.
 */
export class SquareCustomers {
  readonly customers = new Map<string, Customer>();
  private readonly keys = new Map<string, string>();

  constructor(private readonly ledger: SquareLedger) {}

  private read(body: Json, customer: Partial<Customer>): void {
    for (const [field, max] of FIELDS) {
      const value = body[field];
      if (value === undefined || value === null) continue;
      if (typeof value !== 'string') throw invalid('EXPECTED_STRING', 'Expected a string value', field);
      if (value.length > max)
        throw invalid('VALUE_TOO_LONG', `Field must not be greater than ${max} length`, field);
      if (field === 'email_address' && value && !EMAIL.test(value))
        throw invalid('INVALID_EMAIL_ADDRESS', `Email address '${value}' is not valid`, field);
      if (field === 'phone_number' && value && !PHONE.test(value))
        throw invalid('INVALID_PHONE_NUMBER', `Phone number '${value}' is not valid`, field);
      if (value === '') delete customer[field];
      else customer[field] = value;
    }
  }

  create(body: Json): Json {
    const key = body['idempotency_key'];
    if (typeof key === 'string' && this.keys.has(key))
      return { customer: this.get(this.keys.get(key) ?? '') };
    const created = new Date().toISOString();
    const customer: Customer = {
      id: randomBytes(13).toString('base64url').replace(/[-_]/g, 'Z').toUpperCase(),
      created_at: created,
      updated_at: created,
      preferences: { email_unsubscribed: false },
      creation_source: 'THIRD_PARTY',
      version: 0,
    };
    this.read(body, customer);
    if (
      !['given_name', 'family_name', 'company_name', 'email_address', 'phone_number'].some(
        (f) => f in customer,
      )
    )
      throw invalid(
        'BAD_REQUEST',
        'At least one of the following fields must be set: given_name, family_name, company_name, email_address, phone_number.',
      );
    this.customers.set(customer.id, customer);
    if (typeof key === 'string') this.keys.set(key, customer.id);
    return { customer };
  }

  get(id: string): Customer {
    const customer = this.customers.get(id);
    if (!customer) throw notFound('customer', id);
    return customer;
  }

  update(id: string, body: Json): Json {
    const customer = this.get(id);
    if (body['version'] !== undefined && body['version'] !== customer.version)
      throw invalid('CONFLICT', 'The customer was changed since that version was read.', 'version', 409);
    this.read(body, customer);
    customer.version++;
    customer.updated_at = new Date().toISOString();
    return { customer };
  }

  delete(id: string): Json {
    this.get(id);
    for (const card of this.ledger.cards.values()) {
      if (card['customer_id'] === id) card['enabled'] = false;
    }
    this.customers.delete(id);
    return {};
  }

  list(query: Record<string, string>): Json {
    const limit = query['limit'] === undefined ? 100 : Number(query['limit']);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      throw invalid('INVALID_VALUE', 'limit must be between 1 and 100', 'limit');
    const offset = query['cursor'] ? Number(Buffer.from(query['cursor'], 'base64url').toString('utf8')) : 0;
    if (!Number.isInteger(offset) || offset < 0)
      throw invalid('INVALID_CURSOR', 'The cursor is invalid', 'cursor');
    const all = [...this.customers.values()].sort((a, b) => a.created_at.localeCompare(b.created_at));
    const slice = all.slice(offset, offset + limit);
    return {
      ...(slice.length ? { customers: slice } : {}),
      ...(offset + limit < all.length
        ? { cursor: Buffer.from(String(offset + limit)).toString('base64url') }
        : {}),
    };
  }

  /** `GET /v2/cards`: enabled cards only unless `include_disabled=true`, optionally one customer's. */
  listCards(query: Record<string, string>): Json {
    const customer = query['customer_id'];
    const cards = [...this.ledger.cards.keys()]
      .map((id) => this.ledger.getCard(id))
      .filter(
        (c) =>
          (!customer || c['customer_id'] === customer) &&
          (c['enabled'] === true || query['include_disabled'] === 'true'),
      );
    return cards.length ? { cards } : {};
  }

  disableCard(id: string): Json {
    const card = this.ledger.cards.get(id);
    if (!card) throw notFound('card', id);
    card['enabled'] = false;
    card['version'] = Number(card['version'] ?? 1) + 1;
    return { card: this.ledger.getCard(id) };
  }
}

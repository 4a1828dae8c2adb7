import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import { newId, TransactionRunner } from '@payrail/database';
import { ConnectionService, type GatewayConnectionRecord } from '@payrail/gateways';
import {
  canVault,
  type CardDetails,
  type CustomerVault,
  type GatewayConnection,
  type NextAction,
  type Outcome,
  type PaymentGateway,
  type SavedMethod,
} from '@payrail/plugin-sdk';
import { GatewayInvoker } from '../gateway-invoker';
import { ownerMerchant, ownerMode, type PaymentOwner } from '../payment-owner';
import { CustomerGatewayProfile } from './customer-gateway-profile.entity';
import { Customer } from './customer.entity';
import { SavedPaymentMethod } from './saved-payment-method.entity';

export interface CustomerInput {
  email?: string | null;
  name?: string | null;
  phone?: string | null;
  metadata?: Record<string, string>;
}

export interface SaveMethodInput {
  gateway?: string;
  connectionId?: string;
  method: { token: string } | { card: CardDetails };
  returnUrl?: string;
}

/** What a payment with a saved card needs: the card, the connection it lives on, the gateway's customer. */
export interface SavedMethodForPayment {
  customer: Customer;
  method: SavedPaymentMethod;
  customerReference: string;
}

/**
 * A merchant's customers and the cards saved for them at the gateways. Payrail keeps the
 * gateway's references and the card summary; the card itself stays with the gateway, which is
 * told first whenever one is saved or deleted.
 */
@Injectable()
export class CustomersService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly connections: ConnectionService,
    private readonly invoker: GatewayInvoker,
    @InjectRepository(Customer) private readonly customers: Repository<Customer>,
    @InjectRepository(CustomerGatewayProfile) private readonly profiles: Repository<CustomerGatewayProfile>,
    @InjectRepository(SavedPaymentMethod) private readonly methods: Repository<SavedPaymentMethod>,
  ) {}

  private where(owner: PaymentOwner): FindOptionsWhere<Customer> {
    const mode = ownerMode(owner);
    return { merchantId: ownerMerchant(owner), ...(mode ? { mode } : {}) };
  }

  async create(owner: PaymentOwner, input: CustomerInput): Promise<Customer> {
    const mode = ownerMode(owner);
    if (!mode) throw new Error('a customer is created with an API key, in its mode');
    return this.customers.save(
      this.customers.create({
        id: newId('cus'),
        merchantId: ownerMerchant(owner),
        mode,
        email: input.email ?? null,
        name: input.name ?? null,
        phone: input.phone ?? null,
        metadata: input.metadata ?? null,
      }),
    );
  }

  async get(owner: PaymentOwner, id: string): Promise<Customer> {
    const found = await this.customers.findOneBy({ ...this.where(owner), id });
    if (!found) throw ApiError.notFound('customer', id);
    return found;
  }

  async list(
    owner: PaymentOwner,
    query: { limit: number; startingAfter?: string; email?: string },
  ): Promise<{ data: Customer[]; hasMore: boolean }> {
    const rows = await this.customers.find({
      where: {
        ...this.where(owner),
        ...(query.email ? { email: query.email } : {}),
        ...(query.startingAfter ? { id: LessThan(query.startingAfter) } : {}),
      },
      order: { id: 'DESC' },
      take: query.limit + 1,
    });
    return { data: rows.slice(0, query.limit), hasMore: rows.length > query.limit };
  }

  async update(owner: PaymentOwner, id: string, input: CustomerInput): Promise<Customer> {
    const customer = await this.get(owner, id);
    if (input.email !== undefined) customer.email = input.email;
    if (input.name !== undefined) customer.name = input.name;
    if (input.phone !== undefined) customer.phone = input.phone;
    if (input.metadata !== undefined) customer.metadata = { ...customer.metadata, ...input.metadata };
    return this.customers.save(customer);
  }

  /**
   * Deletes the customer at every gateway it was saved to (with its cards), then here. A gateway
   * that fails leaves the customer in place, so the delete can be tried again.
   */
  async delete(owner: PaymentOwner, id: string): Promise<void> {
    const customer = await this.get(owner, id);
    await this.eraseAtGateways(customer.id);
    await this.tx.lazy(async (m) => {
      await m.delete(SavedPaymentMethod, { customerId: customer.id });
      await m.delete(CustomerGatewayProfile, { customerId: customer.id });
      await m.delete(Customer, { id: customer.id });
    });
  }

  /** Erases the customer's profile, and every card saved with it, at each gateway that has one. */
  async eraseAtGateways(customerId: string): Promise<void> {
    for (const profile of await this.profiles.findBy({ customerId })) {
      const { gateway, connection } = await this.vaultFor(await this.connectionRecord(profile.connectionId));
      const erased = await this.call('eraseCustomer', gateway, connection, () =>
        gateway.eraseCustomer(connection, { customerReference: profile.gatewayCustomerReference }),
      );
      if (!erased.ok && erased.error.code !== 'invalid_request') throw erased.error;
      await this.tx.lazy(async (m) => {
        await m.delete(SavedPaymentMethod, { customerId, connectionId: profile.connectionId });
        await m.delete(CustomerGatewayProfile, { id: profile.id });
      });
    }
  }

  async saveMethod(
    owner: PaymentOwner,
    customerId: string,
    input: SaveMethodInput,
  ): Promise<{ method: SavedPaymentMethod; nextAction?: NextAction }> {
    const customer = await this.get(owner, customerId);
    const record = await this.connections
      .resolve(customer.merchantId, {
        connectionId: input.connectionId,
        gateway: input.gateway,
        mode: customer.mode,
      })
      .catch((error: Error & { param?: string; status?: number }) => {
        if (error.param)
          throw ApiError.invalid(
            error.param,
            error.message,
            error.status === 404 ? 'resource_missing' : 'parameter_invalid',
          );
        throw error;
      });
    const { gateway, connection } = await this.vaultFor(record);
    if ('card' in input.method && !gateway.capabilities.tokenization)
      throw ApiError.invalid(
        'payment_method.card',
        `${gateway.displayName} takes no raw card numbers from a server: send payment_method.token instead`,
      );
    const profile = await this.profileFor(customer, record, gateway, connection);
    const id = newId('spm');
    const saved = await this.call('saveMethod', gateway, connection, () =>
      gateway.saveMethod(connection, {
        customerReference: profile.gatewayCustomerReference,
        idempotencyKey: `payrail_${id}`,
        method: input.method,
        returnUrl: input.returnUrl,
      }),
    );
    if (!saved.ok) throw saved.error;
    const method = await this.methods.save(this.methodRow(id, customer, record, saved.value));
    return { method, nextAction: saved.value.nextAction };
  }

  private methodRow(
    id: string,
    customer: Customer,
    record: GatewayConnectionRecord,
    saved: SavedMethod,
  ): SavedPaymentMethod {
    return this.methods.create({
      id,
      customerId: customer.id,
      merchantId: customer.merchantId,
      connectionId: record.id,
      gateway: record.gateway,
      gatewayReference: saved.reference,
      status: saved.status === 'ready' ? 'active' : 'requires_action',
      cardBrand: saved.card?.brand ?? null,
      cardLast4: saved.card?.last4 ?? null,
      cardExpMonth: saved.card?.expMonth ?? null,
      cardExpYear: saved.card?.expYear ?? null,
      cardFingerprint: saved.card?.fingerprint ?? null,
    });
  }

  /**
   * The saved cards, as Payrail holds them. One still waiting for authentication is checked with
   * the gateway, and becomes active once the gateway lists it as saved.
   */
  async listMethods(owner: PaymentOwner, customerId: string): Promise<SavedPaymentMethod[]> {
    const customer = await this.get(owner, customerId);
    const rows = await this.methods.find({ where: { customerId: customer.id }, order: { id: 'ASC' } });
    for (const row of rows.filter((r) => r.status === 'requires_action')) await this.refresh(row);
    return rows;
  }

  private async refresh(row: SavedPaymentMethod): Promise<void> {
    const profile = await this.profiles.findOneBy({
      customerId: row.customerId,
      connectionId: row.connectionId,
    });
    if (!profile) return;
    const { gateway, connection } = await this.vaultFor(await this.connectionRecord(row.connectionId));
    const listed = await this.call('listMethods', gateway, connection, () =>
      gateway.listMethods(connection, { customerReference: profile.gatewayCustomerReference }),
    );
    if (listed.ok && listed.value.some((m) => m.reference === row.gatewayReference && m.status === 'ready')) {
      row.status = 'active';
      await this.methods.save(row);
    }
  }

  /**
   * The gateway says a saved card finished its set-up (a webhook): the card waiting for
   * authentication on that connection becomes active. False when none was waiting.
   */
  async markReady(m: EntityManager, connectionId: string, methodReference: string): Promise<boolean> {
    const result = await m
      .getRepository(SavedPaymentMethod)
      .update(
        { connectionId, gatewayReference: methodReference, status: 'requires_action' },
        { status: 'active' },
      );
    return (result.affected ?? 0) > 0;
  }

  async deleteMethod(owner: PaymentOwner, customerId: string, methodId: string): Promise<void> {
    const customer = await this.get(owner, customerId);
    const row = await this.methods.findOneBy({ id: methodId, customerId: customer.id });
    if (!row) throw ApiError.notFound('payment_method', methodId);
    const profile = await this.profiles.findOneBy({
      customerId: customer.id,
      connectionId: row.connectionId,
    });
    if (profile) {
      const { gateway, connection } = await this.vaultFor(await this.connectionRecord(row.connectionId));
      const deleted = await this.call('deleteMethod', gateway, connection, () =>
        gateway.deleteMethod(connection, {
          customerReference: profile.gatewayCustomerReference,
          methodReference: row.gatewayReference,
        }),
      );
      if (!deleted.ok) throw deleted.error;
    }
    await this.methods.delete({ id: row.id });
  }

  /** The saved card a payment names, checked: the owner's customer, the customer's card, ready to charge. */
  async forPayment(
    owner: PaymentOwner,
    customerId: string,
    methodId: string,
  ): Promise<SavedMethodForPayment> {
    const customer = await this.get(owner, customerId).catch(() => {
      throw ApiError.invalid('customer_id', `no customer '${customerId}' for this key`, 'resource_missing');
    });
    const method = await this.methods.findOneBy({ id: methodId, customerId: customer.id });
    if (!method)
      throw ApiError.invalid(
        'payment_method_id',
        `no saved payment method '${methodId}' for customer ${customer.id}`,
        'resource_missing',
      );
    if (method.status !== 'active')
      throw ApiError.invalid(
        'payment_method_id',
        `saved payment method ${method.id} still needs the customer to authenticate it`,
        'payment_method_unusable',
      );
    const profile = await this.profiles.findOneBy({
      customerId: customer.id,
      connectionId: method.connectionId,
    });
    if (!profile)
      throw ApiError.invalid(
        'payment_method_id',
        `saved payment method ${method.id} is gone`,
        'resource_missing',
      );
    return { customer, method, customerReference: profile.gatewayCustomerReference };
  }

  private async profileFor(
    customer: Customer,
    record: GatewayConnectionRecord,
    gateway: PaymentGateway & CustomerVault,
    connection: GatewayConnection,
  ): Promise<CustomerGatewayProfile> {
    const known = await this.profiles.findOneBy({ customerId: customer.id, connectionId: record.id });
    if (known) return known;
    const created = await this.call('createCustomer', gateway, connection, () =>
      gateway.createCustomer(connection, {
        customerId: customer.id,
        // One gateway customer per Payrail customer and connection, even when two saves race.
        idempotencyKey: `payrail_${customer.id}_${record.id}`,
        email: customer.email ?? undefined,
        name: customer.name ?? undefined,
        phone: customer.phone ?? undefined,
      }),
    );
    if (!created.ok) throw created.error;
    const profile = this.profiles.create({
      id: newId('cgp'),
      customerId: customer.id,
      connectionId: record.id,
      gateway: record.gateway,
      gatewayCustomerReference: created.value.reference,
    });
    try {
      return await this.profiles.save(profile);
    } catch (error) {
      const raced = await this.profiles.findOneBy({ customerId: customer.id, connectionId: record.id });
      if (raced) return raced;
      throw error;
    }
  }

  private async connectionRecord(id: string): Promise<GatewayConnectionRecord> {
    const record = await this.connections.findById(id);
    if (!record)
      throw new ApiError(409, {
        type: 'invalid_request_error',
        code: 'connection_gone',
        message: `connection ${id} no longer exists`,
      });
    return record;
  }

  private async vaultFor(
    record: GatewayConnectionRecord,
  ): Promise<{ gateway: PaymentGateway & CustomerVault; connection: GatewayConnection }> {
    const gateway = this.connections.gatewayFor(record);
    if (!canVault(gateway))
      throw ApiError.invalid(
        'connection_id',
        `${gateway.displayName} connections cannot save payment methods`,
        'capability_unsupported',
      );
    return { gateway, connection: await this.connections.toGatewayConnection(record) };
  }

  private async call<T>(
    operation: string,
    gateway: PaymentGateway,
    connection: GatewayConnection,
    work: () => Promise<Outcome<T>>,
  ): Promise<Outcome<T>> {
    return (await this.invoker.invoke(operation, { gateway: gateway.code, connection }, work)).outcome;
  }
}

import { Injectable } from '@nestjs/common';
import { ConnectionService, type GatewayConnectionRecord } from '@payrail/gateways';
import { CircuitBreaker } from '@payrail/monitoring';
import { cardBrand, type GatewayError } from '@payrail/plugin-sdk';
import { chooseRule, type RoutingFacts, type RuleVerdict } from './routing-match';
import { RoutingRulesService } from './routing-rules.service';

export interface SkippedConnection {
  connection_id: string;
  reason: string;
}

/** Where a new payment goes: the connections to try in order, and why (for the timeline and the simulator). */
export interface RoutePlan {
  /** The rule that chose them; null when the request named the connection or no rule matched. */
  ruleId: string | null;
  candidates: GatewayConnectionRecord[];
  skipped: SkippedConnection[];
  verdicts: RuleVerdict[];
  /** Why the first candidate, in a sentence. */
  reason: string;
}

export interface RouteRequest extends RoutingFacts {
  /** A raw card can go to any connection that tokenizes; a token belongs to its gateway. */
  paymentMethod: 'card' | 'token';
}

/**
 * Whether an authorization (or tokenization) certainly did not take effect at the gateway, so
 * trying the next connection cannot charge twice: a refused connection, an open circuit, or a
 * refusal the plugin classifies as not accepted. Never a decline, never anything in doubt.
 */
export function canFailOver(error: GatewayError): boolean {
  return (
    !error.indeterminate &&
    !error.keyReused &&
    (error.code === 'gateway_unavailable' || error.code === 'rate_limited')
  );
}

/** The card brand of a raw card number, for rules on brand; null for a token (not known before the call). */
export function brandOfCard(number: string | undefined): string | null {
  if (!number) return null;
  const brand = cardBrand(number.replace(/\D/g, ''));
  return brand === 'unknown' ? null : brand;
}

/** Routing rules applied to a payment: which connections, in which order, skipping those that cannot take it. */
@Injectable()
export class PaymentRouting {
  constructor(
    private readonly rules: RoutingRulesService,
    private readonly connections: ConnectionService,
    private readonly breaker: CircuitBreaker,
  ) {}

  /**
   * The merchant's rules for a payment that names no connection. Null when no rule matched: the
   * merchant's default connection then takes it, as without rules.
   */
  async plan(merchantId: string, request: RouteRequest): Promise<RoutePlan | null> {
    const rules = await this.rules.forRouting(merchantId);
    const { rule, verdicts } = chooseRule(rules, request);
    if (!rule)
      return rules.length
        ? { ruleId: null, candidates: [], skipped: [], verdicts, reason: 'no rule matched' }
        : null;
    const own = new Map((await this.connections.findForMerchant(merchantId)).map((c) => [c.id, c]));
    const candidates: GatewayConnectionRecord[] = [];
    const skipped: SkippedConnection[] = [];
    for (const id of rule.connectionIds) {
      const record = own.get(id);
      const reason = record
        ? await this.unfit(record, request, candidates[0])
        : 'the connection no longer exists';
      if (reason) skipped.push({ connection_id: id, reason });
      else candidates.push(record as GatewayConnectionRecord);
    }
    // An open circuit is passed over while another connection can take the payment.
    const open: GatewayConnectionRecord[] = [];
    for (const record of candidates)
      if ((await this.breaker.view(record.id)).state === 'open') open.push(record);
    const usable = candidates.filter((c) => !open.includes(c));
    const ordered = usable.length ? [...usable, ...open] : candidates;
    for (const record of usable.length ? open : [])
      skipped.push({
        connection_id: record.id,
        reason: 'its circuit is open after repeated gateway failures',
      });
    const first = ordered[0];
    return {
      ruleId: rule.id,
      candidates: usable.length ? usable : ordered,
      skipped,
      verdicts,
      reason: first
        ? `rule ${rule.id} (${rule.name}) chose ${first.gateway} connection ${first.id}`
        : `rule ${rule.id} (${rule.name}) matched, but none of its connections can take this payment`,
    };
  }

  /** Why a connection cannot take this payment, or null when it can. */
  private async unfit(
    record: GatewayConnectionRecord,
    request: RouteRequest,
    first: GatewayConnectionRecord | undefined,
  ): Promise<string | null> {
    if (!record.enabled) return 'the connection is disabled';
    if (record.mode !== request.mode)
      return `the connection is ${record.mode} mode, the payment ${request.mode}`;
    const gateway = this.connections.gatewayFor(record);
    const { currencies, maxAmount, tokenization } = gateway.capabilities;
    if (currencies !== '*' && !currencies.includes(request.currency))
      return `${gateway.displayName} does not support ${request.currency}`;
    if (maxAmount !== undefined && request.amount > maxAmount)
      return `${gateway.displayName} takes at most ${maxAmount} minor units`;
    if (request.paymentMethod === 'card' && !tokenization)
      return `${gateway.displayName} takes no raw card numbers`;
    if (request.paymentMethod === 'token' && first && first.gateway !== record.gateway)
      return `payment_method.token is a ${first.gateway} token: it cannot be used on ${record.gateway}`;
    return null;
  }
}

import type { RoutingConditions } from './routing-rule.entity';

/** What routing knows about a payment before any gateway call. */
export interface RoutingFacts {
  amount: number;
  currency: string;
  mode: 'test' | 'live';
  cardBrand?: string | null;
  binCountry?: string | null;
  metadata?: Record<string, string> | null;
}

export interface RuleLike {
  id: string;
  name: string;
  enabled: boolean;
  conditions: RoutingConditions;
  connectionIds: string[];
}

/** Why a rule did or did not apply. */
export interface RuleVerdict {
  rule_id: string;
  matched: boolean;
  reason: string;
}

/** The first condition the payment fails, or null when the rule applies. */
export function ruleMismatch(conditions: RoutingConditions, given: RoutingFacts): string | null {
  const facts = {
    ...given,
    currency: given.currency.toLowerCase(),
    cardBrand: given.cardBrand?.toLowerCase(),
  };
  if (conditions.mode && conditions.mode !== facts.mode)
    return `mode is ${facts.mode}, not ${conditions.mode}`;
  if (conditions.currency && !conditions.currency.includes(facts.currency))
    return `currency ${facts.currency} is not one of ${conditions.currency.join(', ')}`;
  if (conditions.amount_gte !== undefined && facts.amount < conditions.amount_gte)
    return `amount ${facts.amount} is below ${conditions.amount_gte}`;
  if (conditions.amount_lte !== undefined && facts.amount > conditions.amount_lte)
    return `amount ${facts.amount} is above ${conditions.amount_lte}`;
  if (conditions.card_brand) {
    if (!facts.cardBrand) return 'the card brand is not known before the gateway call';
    if (!conditions.card_brand.includes(facts.cardBrand))
      return `card brand ${facts.cardBrand} is not one of ${conditions.card_brand.join(', ')}`;
  }
  if (conditions.bin_country) {
    if (!facts.binCountry) return "the card's BIN country is not known";
    if (!conditions.bin_country.includes(facts.binCountry))
      return `BIN country ${facts.binCountry} is not one of ${conditions.bin_country.join(', ')}`;
  }
  for (const [key, value] of Object.entries(conditions.metadata ?? {})) {
    const given = facts.metadata?.[key];
    if (given === undefined) return `metadata has no ${key}`;
    if (value !== null && given !== value) return `metadata.${key} is not ${value}`;
  }
  return null;
}

/**
 * The merchant's rules in order → the first enabled one that matches, with every rule's
 * verdict (for the timeline and the simulator). Pure: no I/O, no clock.
 */
export function chooseRule<R extends RuleLike>(
  rules: readonly R[],
  facts: RoutingFacts,
): { rule: R | null; verdicts: RuleVerdict[] } {
  const verdicts: RuleVerdict[] = [];
  for (const rule of rules) {
    if (!rule.enabled) {
      verdicts.push({ rule_id: rule.id, matched: false, reason: 'disabled' });
      continue;
    }
    const mismatch = ruleMismatch(rule.conditions, facts);
    verdicts.push({
      rule_id: rule.id,
      matched: mismatch === null,
      reason: mismatch ?? `matched ${rule.name}`,
    });
    if (mismatch === null) return { rule, verdicts };
  }
  return { rule: null, verdicts };
}

import { chooseRule, ruleMismatch, type RuleLike } from './routing-match';
import { parseConditions } from './routing-rules.service';

const facts = {
  amount: 5000,
  currency: 'EUR',
  mode: 'live' as const,
  cardBrand: 'visa',
  metadata: { tier: 'gold' },
};
const rule = (id: string, conditions: RuleLike['conditions'], enabled = true): RuleLike => ({
  id,
  name: id,
  enabled,
  conditions,
  connectionIds: [`conn_${id}`],
});

describe('routing rules', () => {
  it('takes the first enabled rule that matches, with every verdict and its reason', () => {
    const { rule: chosen, verdicts } = chooseRule(
      [
        rule('off', {}, false),
        rule('usd', { currency: ['usd'] }),
        rule('big', { amount_gte: 10_000 }),
        rule('gold-visa', { card_brand: ['visa'], metadata: { tier: 'gold' }, mode: 'live' }),
        rule('any', {}),
      ],
      facts,
    );
    expect(chosen?.id).toBe('gold-visa');
    expect(verdicts).toEqual([
      { rule_id: 'off', matched: false, reason: 'disabled' },
      { rule_id: 'usd', matched: false, reason: 'currency eur is not one of usd' },
      { rule_id: 'big', matched: false, reason: 'amount 5000 is below 10000' },
      { rule_id: 'gold-visa', matched: true, reason: 'matched gold-visa' },
    ]);
  });

  it('never matches a condition on what is not known before the call', () => {
    expect(ruleMismatch({ card_brand: ['visa'] }, { ...facts, cardBrand: null })).toMatch(/not known/);
    expect(ruleMismatch({ bin_country: ['DE'] }, facts)).toMatch(/BIN country is not known/);
    expect(ruleMismatch({ metadata: { region: null } }, facts)).toBe('metadata has no region');
    expect(ruleMismatch({ amount_lte: 4999 }, facts)).toBe('amount 5000 is above 4999');
    expect(chooseRule([], facts).rule).toBeNull();
  });

  it('refuses malformed conditions naming the parameter', () => {
    expect(() => parseConditions({ currency: ['dollars'] })).toThrow(/conditions.currency\[0\]/);
    expect(() => parseConditions({ amount_gte: 10, amount_lte: 5 })).toThrow(/amount_lte must not be below/);
    expect(() => parseConditions({ colour: 'red' })).toThrow(/conditions take only/);
    expect(() => parseConditions({ amount_gte: 1.5 })).toThrow(/minor units/);
    expect(parseConditions({ currency: ['USD'], bin_country: ['de'], metadata: { tier: null } })).toEqual({
      currency: ['usd'],
      bin_country: ['DE'],
      metadata: { tier: null },
    });
  });
});

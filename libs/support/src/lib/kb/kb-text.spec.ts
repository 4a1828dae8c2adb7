import {
  phraseTrigrams,
  queryWords,
  similarity,
  snippetHtml,
  trigrams,
  MARK_END,
  MARK_START,
} from './kb-text';

describe('knowledge-base text helpers', () => {
  it('keeps only words of any query, so no query language reaches the database', () => {
    expect(queryWords(`"insufficient" -funds OR NEAR(a b) ' ; DROP TABLE x; --`)).toEqual([
      'insufficient',
      'funds',
      'or',
      'near',
      'a',
      'b',
      'drop',
      'table',
    ]);
    expect(queryWords('*:^()')).toEqual([]);
  });

  it('measures likeness by trigrams as pg_trgm does, so a typo is close to the word', () => {
    expect(trigrams('cat')).toEqual(['  c', ' ca', 'cat', 'at ']);
    const typo = similarity(new Set(trigrams('insuficient')), new Set(trigrams('insufficient')));
    expect(typo).toBeGreaterThan(0.6);
    expect(
      similarity(phraseTrigrams('insuficient funds'), phraseTrigrams('Insufficient funds')),
    ).toBeGreaterThan(
      similarity(phraseTrigrams('insuficient funds'), phraseTrigrams('Stripe: insufficient_funds')),
    );
  });

  it('escapes a snippet and marks only the matches', () => {
    expect(snippetHtml(`<script>x</script> ${MARK_START}funds${MARK_END} & more`)).toBe(
      '&lt;script&gt;x&lt;/script&gt; <mark>funds</mark> &amp; more',
    );
  });
});

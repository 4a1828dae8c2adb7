import fc from 'fast-check';
import { GATEWAY_ERROR_CODES } from '@payrail/plugin-sdk';
import { adminSession, type AdminRequest } from './admin-session';
import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';

let api: TestApi;
let owner: AdminRequest;
let support: AdminRequest;
let engineer: AdminRequest;

beforeAll(async () => {
  api = await startTestApi({ memory: true, env: { PAYRAIL_PUBLIC_URL: 'https://payments.example.com' } });
  owner = (await adminSession(api, [{ role: 'owner', merchantId: null }])).request;
  support = (await adminSession(api, [{ role: 'support', merchantId: null }])).request;
  engineer = (await adminSession(api, [{ role: 'platform_engineer', merchantId: null }])).request;
}, 60_000);

afterAll(async () => {
  await api?.close();
});

const slugs = (body: { data: Array<{ slug: string }> }) => body.data.map((a) => a.slug);

describeDb(`knowledge base ${dbLabel}`, () => {
  it('is seeded on first start: an article per taxonomy code and per common gateway code', async () => {
    for (const code of GATEWAY_ERROR_CODES) {
      const found = await support('GET', `/admin/kb/articles?code=${code}&gateway=all`);
      expect(`${code}: ${found.status} ${found.body.data?.length}`).toBe(`${code}: 200 1`);
    }
    for (const [gateway, code] of [
      ['stripe', 'insufficient_funds'],
      ['stripe', 'lost_card'],
      ['paypal', '5120'],
      ['paypal', 'INSTRUMENT_DECLINED'],
      ['square', 'GENERIC_DECLINE'],
    ]) {
      const found = await support('GET', `/admin/kb/articles?code=${code}&gateway=${gateway}`);
      expect(found.body.data).toHaveLength(1);
    }
    const square = await support('GET', '/admin/kb/articles/square-generic-decline');
    expect(square.status).toBe(200);
    expect(`${square.body.summary} ${square.body.cause}`).toMatch(/insufficient funds/i);
    const stolen = await support('GET', '/admin/kb/articles/stripe-stolen-card');
    expect(stolen.body.tags).toContain('generic-decline');
    expect(stolen.body.resolution).toMatch(/generic decline/i);
  });

  it('finds "insuficient funds" (a typo) in the top three, with highlighted snippets', async () => {
    const found = await support(
      'GET',
      `/admin/kb/articles?q=${encodeURIComponent('insuficient funds')}&limit=10`,
    );
    expect(found.status).toBe(200);
    expect(found.body.object).toBe('list');
    expect(slugs(found.body).slice(0, 3)).toContain('insufficient-funds');
    expect(found.body.data[0].snippet).toMatch(/<mark>/);
    expect(found.body.data.every((a: { snippet: string }) => !/<(?!\/?mark>)/.test(a.snippet))).toBe(true);
    const limited = await support('GET', '/admin/kb/articles?q=card&limit=2');
    expect(limited.body.data).toHaveLength(2);
    expect(limited.body.has_more).toBe(true);
    expect((await support('GET', '/admin/kb/articles?limit=101')).status).toBe(400);
  });

  it('answers any query, however hostile, with results or none, never an error', async () => {
    const fixed = [
      '"',
      "'",
      '-',
      'OR',
      'AND NOT',
      'NEAR(a b)',
      '"unterminated',
      "'; DROP TABLE kb_articles; --",
      '*',
      '^',
      'a:*',
      '!!',
      '\u0000',
      '()',
      '%_\\',
    ];
    const hostile = fc.oneof(
      fc.constantFrom(...fixed),
      fc.string({ maxLength: 40 }),
      fc
        .array(
          fc.constantFrom(
            '"',
            '-',
            'OR',
            'AND',
            'NOT',
            '*',
            ':',
            '(',
            ')',
            '&',
            '|',
            '!',
            'funds',
            'card',
            "'",
          ),
          { maxLength: 8 },
        )
        .map((parts) => parts.join(' ')),
    );
    await fc.assert(
      fc.asyncProperty(hostile, async (q) => {
        const response = await support('GET', `/admin/kb/articles?q=${encodeURIComponent(q)}`);
        expect(response.status).toBe(200);
        expect(Array.isArray(response.body.data)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('keeps drafts from those who may not edit; an edit keeps the earlier version with a diff', async () => {
    const created = await engineer('POST', '/admin/kb/articles', {
      slug: 'zebra-outage-runbook',
      title: 'Zebra outage runbook',
      summary: 'What to do when zebras stampede the gateway',
      resolution: '1. Call the zookeeper.',
    });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('draft');
    expect((await support('GET', '/admin/kb/articles/zebra-outage-runbook')).status).toBe(404);
    expect(slugs((await support('GET', '/admin/kb/articles?q=zebra')).body)).toEqual([]);
    expect(slugs((await owner('GET', '/admin/kb/articles?q=zebra')).body)).toEqual(['zebra-outage-runbook']);
    expect(
      (await support('PATCH', '/admin/kb/articles/zebra-outage-runbook', { status: 'published' })).status,
    ).toBe(403);

    const edited = await engineer('PATCH', '/admin/kb/articles/zebra-outage-runbook', {
      resolution: '1. Call the zookeeper.\n2. Close the gate.',
      status: 'published',
    });
    expect(edited.status).toBe(200);
    expect(edited.body.version).toBe(2);
    expect(edited.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const diff = await support('GET', '/admin/kb/articles/zebra-outage-runbook/diff?from=1&to=2');
    expect(diff.status).toBe(200);
    expect(diff.body.patch).toContain('+2. Close the gate.');
    expect(diff.body.patch).toContain('-status: draft');
    expect(slugs((await support('GET', '/admin/kb/articles?q=zebra')).body)).toEqual([
      'zebra-outage-runbook',
    ]);
    expect((await support('GET', '/admin/kb/articles/zebra-outage-runbook/diff?from=1&to=9')).status).toBe(
      400,
    );
  });

  it('renders Markdown without ever passing a script or a javascript: link through', async () => {
    const created = await owner('POST', '/admin/kb/articles', {
      slug: 'hostile-markdown',
      title: 'Hostile markdown',
      status: 'published',
      symptoms: '<script>window.pwned = 1</script> [click](javascript:alert(1)) <img src=x onerror=alert(1)>',
      cause: '[ok](https://example.com) **bold**',
      resolution: '<a href="javascript:alert(2)">x</a>',
    });
    expect(created.status).toBe(201);
    const html: string = created.body.body_html;
    // Raw HTML shows as text; no element, handler or javascript: link gets through.
    expect(html).not.toMatch(/<script|<img|<a[^>]*href="javascript:|<[a-z][^>]*\son\w+=/i);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('<a href="https://example.com" rel="noopener noreferrer nofollow"');
    expect(html).toContain('<strong>bold</strong>');
    const preview = await owner('POST', '/admin/kb/preview', {
      markdown: '[x](javascript:alert(1))<script>1</script>',
    });
    expect(preview.body.html).not.toMatch(/<script|<a[^>]*href="javascript:/i);
  });

  it('exports and imports articles as Markdown with front matter', async () => {
    const exported = await owner('GET', '/admin/kb/export');
    const file = exported.body.data.find((f: { slug: string }) => f.slug === 'insufficient-funds');
    expect(file.markdown).toMatch(/^---\nslug: insufficient-funds\n/);
    const changed = file.markdown.replace('## Resolution\n', '## Resolution\n\nCheck the issue log first.\n');
    const imported = await owner('POST', '/admin/kb/import', {
      files: [changed, file.markdown.replace(/slug: insufficient-funds/, 'slug: imported-copy')],
    });
    expect(imported.body).toMatchObject({ created: 1, updated: 1 });
    const article = await support('GET', '/admin/kb/articles/insufficient-funds');
    expect(article.body.resolution).toMatch(/^Check the issue log first\./);
    expect(article.body.versions).toHaveLength(2);
    const bad = await owner('POST', '/admin/kb/import', { files: ['no front matter'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('files[0]');
  });

  it('links a decline to its article: doc_url in the API error, merchant articles readable with a key', async () => {
    const declined = await api.request('POST', '/v1/payments', {
      amount: 1500,
      currency: 'usd',
      payment_method: { token: 'tok_insufficient_funds' },
    });
    expect(declined.status).toBe(402);
    expect(declined.body.error.code).toBe('insufficient_funds');
    expect(declined.body.error.doc_url).toBe('https://payments.example.com/kb/insufficient-funds');
    const detail = await support('GET', `/admin/payments/${declined.body.error.payment_id}`);
    expect(detail.body.articles.map((a: { slug: string }) => a.slug)).toEqual(['insufficient-funds']);
    expect(detail.body.articles[0].resolution).toMatch(/another card/);
    const article = await api.request('GET', '/v1/kb/articles/insufficient-funds');
    expect(article.status).toBe(200);
    expect(article.body.resolution).toMatch(/another card/);
    await owner('PATCH', '/admin/kb/articles/zebra-outage-runbook', { audience: 'internal' });
    expect((await api.request('GET', '/v1/kb/articles/zebra-outage-runbook')).status).toBe(404);
    expect(
      (
        await api.request('GET', '/v1/kb/articles/insufficient-funds', undefined, {
          authorization: 'Bearer nope',
        })
      ).status,
    ).toBe(401);
  });
});

import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { ConnectionService } from '@payrail/gateways';
import { dbLabel, describeDb } from './harness';
import { rowCounts } from './row-counts';
import { startSandboxedApi, type SandboxedApi } from './sandboxes';

let sandboxed: SandboxedApi;
let stripeConnection: string;

beforeAll(async () => {
  sandboxed = await startSandboxedApi();
  const connections = sandboxed.api.app.get(ConnectionService);
  stripeConnection = (await connections.resolve(sandboxed.api.merchantId, { gateway: 'stripe' })).id;
}, 90_000);

afterAll(async () => {
  await sandboxed?.close();
});

const test = (name: string, fn: (s: SandboxedApi) => Promise<void>) =>
  it(name, async () => fn(sandboxed), 60_000);

interface Answer {
  status: number;
  body: any;
  requestId: string | null;
  replayed: boolean;
}

/** Sends bytes as they are, with the merchant's key unless `headers` says otherwise. */
async function send(
  s: SandboxedApi,
  method: string,
  path: string,
  body: string | Buffer | undefined,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<Answer> {
  const response = await fetch(`${s.api.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${s.api.apiKey}`, ...headers },
    body,
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return {
    status: response.status,
    body: parsed,
    requestId: response.headers.get('request-id'),
    replayed: response.headers.get('idempotent-replayed') === 'true',
  };
}

/** Sends a body in chunks without a Content-Length, so only reading it can find its size. */
function sendChunked(
  s: SandboxedApi,
  path: string,
  chunks: string[],
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${s.api.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.api.apiKey}`, 'content-type': 'application/json' },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const payment = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    amount: 1000,
    currency: 'usd',
    capture_method: 'manual',
    payment_method: { token: 'pm_card_visa' },
    gateway: 'stripe',
    ...extra,
  });

/** Every refusal: a 4xx in the API's envelope, naming what is wrong, with this request's id. */
function expectRefused(answer: Answer, status: number, code: string, param: string): void {
  expect({ status: answer.status, code: answer.body?.error?.code, param: answer.body?.error?.param }).toEqual(
    {
      status,
      code,
      param,
    },
  );
  expect(answer.body.error.request_id).toMatch(/^req_/);
  expect(answer.body.error.request_id).toBe(answer.requestId);
}

const deepArray = '['.repeat(20_000) + ']'.repeat(20_000);
const deepObject = `{"metadata":${'{"a":'.repeat(5_000)}"x"${'}'.repeat(5_000)}}`;

describeDb(`hostile request bodies get a clear 4xx and change nothing ${dbLabel}`, () => {
  test('deeply nested JSON, before and after authentication', async (s) => {
    const before = await rowCounts(s.api.app);
    const targets: Array<[string, Record<string, string>]> = [
      ['/v1/payments', { 'idempotency-key': 'deep-1' }],
      ['/v1/webhook_endpoints', {}],
      ['/admin/auth/login', {}],
      [`/webhooks/${stripeConnection}`, { 'stripe-signature': 't=1,v1=00' }],
    ];
    for (const [path, extra] of targets)
      for (const body of [deepArray, deepObject]) {
        const answer = await send(s, 'POST', path, body, { 'content-type': 'application/json', ...extra });
        expect([path, answer.status]).toEqual([path, 400]);
        expect(answer.body.error.code).toMatch(/^body_(too_deep|invalid)$/);
        expect(answer.body.error.param).toBe('body');
      }
    expectRefused(await send(s, 'POST', '/v1/payments', deepObject), 400, 'body_too_deep', 'body');
    expect(await rowCounts(s.api.app)).toEqual(before);
  });

  test('charsets other than UTF-8 get 415; unknown or corrupt encodings get 415 and 400', async (s) => {
    const before = await rowCounts(s.api.app);
    for (const path of ['/v1/payments', '/admin/auth/login'])
      for (const charset of ['latin1', 'utf-16', 'iso-8859-1', 'bogus'])
        expectRefused(
          await send(s, 'POST', path, payment(), { 'content-type': `application/json; charset=${charset}` }),
          415,
          'unsupported_charset',
          'Content-Type',
        );
    expectRefused(
      await send(s, 'POST', '/v1/payments', payment(), {
        'content-type': 'application/json',
        'content-encoding': 'bogus',
      }),
      415,
      'unsupported_content_encoding',
      'Content-Encoding',
    );
    for (const encoding of ['gzip', 'deflate', 'br'])
      expectRefused(
        await send(s, 'POST', '/admin/auth/login', 'not compressed at all', {
          'content-type': 'application/json',
          'content-encoding': encoding,
        }),
        400,
        'body_invalid',
        'body',
      );
    expectRefused(
      await send(s, 'POST', '/v1/payments', Buffer.from([0xff, 0xfe, 0x7b, 0x7d]), {
        'content-type': 'application/json',
      }),
      400,
      'body_invalid',
      'body',
    );
    expect(await rowCounts(s.api.app)).toEqual(before);
    // A well-formed gzip body, and an explicit utf-8 charset, are still read.
    const zipped = await send(s, 'POST', '/v1/payments', gzipSync(payment()), {
      'content-type': 'application/json; charset=UTF-8',
      'content-encoding': 'gzip',
    });
    expect(zipped.status).toBe(201);
  });

  test('a form with more than 1,000 fields and a body over 100 kB get 413', async (s) => {
    const before = await rowCounts(s.api.app);
    const form = Array.from({ length: 1_001 }, (_, i) => `f${i}=1`).join('&');
    for (const path of ['/v1/payments', '/admin/auth/login'])
      expectRefused(
        await send(s, 'POST', path, form, { 'content-type': 'application/x-www-form-urlencoded' }),
        413,
        'too_many_parameters',
        'body',
      );
    const big = payment({ description: 'x'.repeat(120 * 1024) });
    expectRefused(await send(s, 'POST', '/v1/payments', big), 413, 'body_too_large', 'body');
    const chunked = await sendChunked(
      s,
      '/v1/payments',
      Array.from({ length: 30 }, () => 'x'.repeat(8 * 1024)),
    );
    expect([chunked.status, chunked.body.error.code]).toEqual([413, 'body_too_large']);
    // A gzip bomb is measured after inflating.
    const bomb = gzipSync(payment({ description: ' '.repeat(2 * 1024 * 1024) }));
    expect(bomb.length).toBeLessThan(100 * 1024);
    expectRefused(
      await send(s, 'POST', '/v1/payments', bomb, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      }),
      413,
      'body_too_large',
      'body',
    );
    expect(await rowCounts(s.api.app)).toEqual(before);
  });

  test('null, a number, a string, an array or broken JSON name the body and carry the request id', async (s) => {
    const before = await rowCounts(s.api.app);
    for (const path of ['/v1/payments', '/admin/auth/login', '/v1/webhook_endpoints'])
      for (const body of ['null', '123', '"text"', '[1]', '{bad', '{"amount":'])
        expectRefused(await send(s, 'POST', path, body), 400, 'body_invalid', 'body');
    expect(await rowCounts(s.api.app)).toEqual(before);
  });

  test('a lone UTF-16 surrogate in description or metadata is refused naming the param, before any gateway call', async (s) => {
    const before = await rowCounts(s.api.app);
    const cases: Array<[string, string]> = [
      [payment({ description: 'caf\ud800' }), 'description'],
      [payment({ metadata: { order: '\udc00x' } }), 'metadata.order'],
      [payment({ customer: { name: 'A\ud83d' } }), 'customer.name'],
    ];
    for (const [body, param] of cases) {
      const answer = await send(s, 'POST', '/v1/payments', body, {
        'content-type': 'application/json',
        'idempotency-key': `surrogate-${param}`,
      });
      expectRefused(answer, 400, 'parameter_invalid', param);
      expect(answer.body.error.message).toMatch(/well-formed Unicode/);
    }
    const key = await send(
      s,
      'POST',
      '/v1/payments',
      payment().replace('"gateway"', '"metadata":{"\\ud800":"v"},"gateway"'),
    );
    expect([key.status, key.body.error.message]).toEqual([
      400,
      expect.stringMatching(/key metadata\..* well-formed/),
    ]);
    expect(await rowCounts(s.api.app)).toEqual(before);
    // A well-formed pair (an emoji) is fine.
    expect(
      (await send(s, 'POST', '/v1/payments', payment({ description: 'thanks \ud83d\ude00' }))).status,
    ).toBe(201);
  });

  test('__proto__, constructor and toString are refused as parameters and metadata keys', async (s) => {
    const created = await send(s, 'POST', '/v1/payments', payment());
    expect(created.body.status).toBe('authorized');
    const before = await rowCounts(s.api.app);
    const capture = await send(
      s,
      'POST',
      `/v1/payments/${created.body.id}/capture`,
      '{"__proto__":{"amount":5}}',
    );
    expectRefused(capture, 400, 'parameter_invalid', '__proto__');
    for (const key of ['constructor', 'toString', '__proto__', 'hasOwnProperty'])
      expectRefused(
        await send(
          s,
          'POST',
          '/v1/payments',
          payment().replace('"gateway"', `"metadata":{"${key}":"x"},"gateway"`),
        ),
        400,
        'parameter_invalid',
        `metadata.${key}`,
      );
    expect(await rowCounts(s.api.app)).toEqual(before);
    const shown = await send(s, 'GET', `/v1/payments/${created.body.id}`, undefined, {});
    expect([shown.body.status, shown.body.amount_captured]).toEqual(['authorized', 0]);
  });

  test('customer or card that is not an object is refused, not ignored', async (s) => {
    const before = await rowCounts(s.api.app);
    expectRefused(
      await send(s, 'POST', '/v1/payments', payment({ customer: ['buyer@example.com'] })),
      400,
      'parameter_invalid',
      'customer',
    );
    expectRefused(
      await send(s, 'POST', '/v1/payments', payment({ customer: [] })),
      400,
      'parameter_invalid',
      'customer',
    );
    expectRefused(
      await send(s, 'POST', '/v1/payments', payment({ payment_method: { card: [] } })),
      400,
      'parameter_invalid',
      'payment_method.card',
    );
    expect(await rowCounts(s.api.app)).toEqual(before);
  });

  test("an amount over the gateway's limit or a malformed token writes nothing", async (s) => {
    const before = await rowCounts(s.api.app);
    const large = await send(s, 'POST', '/v1/payments', payment({ amount: 100_000_000 }));
    expectRefused(large, 400, 'amount_too_large', 'amount');
    expect(large.body.error.payment_id).toBeUndefined();
    for (const token of ['bogus token!', 'pm_card visa', 'tok\n1', '../etc', '%00'])
      expectRefused(
        await send(s, 'POST', '/v1/payments', payment({ payment_method: { token } })),
        400,
        'parameter_invalid',
        'payment_method.token',
      );
    expect(await rowCounts(s.api.app)).toEqual(before);
  });

  test('validation refusals of capture and refund are not remembered under their Idempotency-Key', async (s) => {
    const created = await send(s, 'POST', '/v1/payments', payment());
    const id = created.body.id;
    const capture = (body: string) =>
      send(s, 'POST', `/v1/payments/${id}/capture`, body, {
        'content-type': 'application/json',
        'idempotency-key': `capture-${id}`,
      });
    const tooMuch = await capture('{"amount":99999}');
    expectRefused(tooMuch, 400, 'parameter_invalid', 'amount');
    const again = await capture('{"amount":99999}');
    expect([again.status, again.replayed]).toEqual([400, false]);
    const fixed = await capture('{"amount":400}');
    expect([fixed.status, fixed.body.amount_captured]).toEqual([200, 400]);
    expect((await capture('{"amount":400}')).replayed).toBe(true);

    const refund = (body: string) =>
      send(s, 'POST', `/v1/payments/${id}/refunds`, body, {
        'content-type': 'application/json',
        'idempotency-key': `refund-${id}`,
      });
    expectRefused(await refund('{"amount":5000}'), 400, 'parameter_invalid', 'amount');
    expect((await refund('{"amount":5000}')).replayed).toBe(false);
    const refunded = await refund('{"amount":100}');
    expect([refunded.status, refunded.body.amount]).toEqual([201, 100]);
  });

  test('limit takes plain decimal digits only', async (s) => {
    for (const limit of ['0x10', '1e1', '%2010', '10.0', '+10', '0b1', 'Infinity'])
      expectRefused(
        await send(s, 'GET', `/v1/payments?limit=${limit}`, undefined, {}),
        400,
        'parameter_invalid',
        'limit',
      );
    const listed = await send(s, 'GET', '/v1/payments?limit=2', undefined, {});
    expect([listed.status, listed.body.data.length]).toEqual([200, 2]);
  });
});

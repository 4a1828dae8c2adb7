import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkUrl, classifyAddress, OutboundRefused, resolveTarget } from './ssrf-guard';
import { sendWebhook } from './webhook-sender';

const strict = { allowHttpLoopback: false };
const testMode = { allowHttpLoopback: true };

async function refusal(
  url: string,
  policy = strict,
  lookup?: Parameters<typeof resolveTarget>[2],
): Promise<string> {
  try {
    await resolveTarget(checkUrl(url, policy), policy, lookup);
  } catch (error) {
    if (error instanceof OutboundRefused) return error.reason;
    throw error;
  }
  return 'allowed';
}

function listen(
  handler: Parameters<typeof createServer>[1],
): Promise<{ server: Server; url: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    handler!(req, res);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits }),
    ),
  );
}

describe('SSRF guard for merchant webhooks', () => {
  it.each([
    ['https://127.0.0.1/hook', /loopback/],
    ['https://10.0.0.1/hook', /private/],
    ['https://169.254.169.254/latest/meta-data', /metadata/],
    ['https://[::1]/hook', /loopback/],
    ['https://[::ffff:10.0.0.1]/hook', /private/],
    ['https://[fe80::1]/hook', /link-local/],
    ['https://192.168.1.20/hook', /private/],
    ['https://0.0.0.0/hook', /reserved/],
  ])('refuses %s', async (url, reason) => {
    expect(await refusal(url)).toMatch(reason);
  });

  it.each([
    ['https://[64:ff9b::7f00:1]/hook', /loopback address \(64:ff9b::7f00:1, which embeds 127\.0\.0\.1\)/],
    ['https://[64:ff9b::a9fe:a9fe]/hook', /metadata .*169\.254\.169\.254/],
    ['https://[64:ff9b:1::7f00:1]/hook', /loopback/],
    ['https://[64:ff9b:1::5db8:d822]/hook', /private .*embeds 93\.184\.216\.34/],
    ['https://[::127.0.0.1]/hook', /loopback/],
    ['https://[::ffff:0:7f00:1]/hook', /loopback/],
    ['https://[::ffff:7f00:1]/hook', /loopback/],
    ['https://[2002:7f00:1::1]/hook', /loopback/],
    ['https://[2002:a9fe:a9fe::1]/hook', /metadata/],
    ['https://[2002:c0a8:1::1]/hook', /private .*192\.168\.0\.1/],
    ['https://[2001:0:5db8:d822:0:0:80ff:fffe]/hook', /loopback .*127\.0\.0\.1/],
    ['https://[2001:0:a9fe:a9fe::1]/hook', /metadata/],
    ['https://[fec0::1]/hook', /private/],
    ['https://[fd00:ec2::254]/hook', /metadata/],
    ['https://[2001:db8::1]/hook', /reserved/],
    ['https://[3fff::1]/hook', /reserved/],
    ['https://[ff02::1]/hook', /reserved/],
    ['https://[100::1]/hook', /reserved/],
    ['https://[5f00::1]/hook', /reserved/],
    ['https://[::2]/hook', /reserved/],
    ['https://[1::1]/hook', /reserved/],
    ['https://192.0.2.1/hook', /reserved/],
    ['https://198.51.100.7/hook', /reserved/],
    ['https://203.0.113.9/hook', /reserved/],
    ['https://198.18.0.1/hook', /reserved/],
    ['https://192.88.99.1/hook', /reserved/],
    ['https://192.0.0.192/hook', /metadata/],
    ['https://100.100.100.200/hook', /metadata/],
    ['https://100.64.0.1/hook', /private/],
    ['https://172.31.255.255/hook', /private/],
    ['https://240.0.0.1/hook', /reserved/],
    ['https://255.255.255.255/hook', /reserved/],
    ['https://239.1.1.1/hook', /reserved/],
    // Every way a host can spell 127.0.0.1 or 169.254.169.254.
    ['https://2130706433/hook', /loopback/],
    ['https://0x7f000001/hook', /loopback/],
    ['https://017700000001/hook', /loopback/],
    ['https://127.1/hook', /loopback/],
    ['https://0x7f.1/hook', /loopback/],
    ['https://0177.0.0.1/hook', /loopback/],
    ['https://127.0.1/hook', /loopback/],
    ['https://127.0.0.1./hook', /loopback/],
    ['https://0xa9.0xfe.0xa9.0xfe/hook', /metadata/],
    ['https://0251.0376.0251.0376/hook', /metadata/],
    ['https://2852039166/hook', /metadata/],
    ['https://%31%32%37.0.0.1/hook', /loopback/],
  ])('refuses %s, whatever the spelling or IPv6 wrapping', async (url, reason) => {
    expect(await refusal(url)).toMatch(reason);
  });

  it.each([
    ['64:ff9b::7f00:1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['2002:a9fe:a9fe::1', 'metadata'],
    ['0x7f.1', 'loopback'],
    ['012.0.0.1', 'private'],
    ['10.1', 'private'],
    ['167772161', 'private'],
    ['fec0::1', 'private'],
  ])('refuses a host name that resolves to %s at delivery time', async (address, kind) => {
    const lookup = async () => [{ address, family: address.includes(':') ? 6 : 4 }];
    expect(classifyAddress(address)).toBe(kind);
    const result = await sendWebhook('https://hooks.example.com/in', '{}', {}, strict, { lookup });
    expect(result).toMatchObject({ ok: false, statusCode: null });
    expect(result.error).toMatch(new RegExp(`^refused: .*${kind.replace('_', '-')}`));
  });

  it('allows public addresses however they are wrapped: NAT64 and 6to4 of a public IPv4, mapped public IPv4', async () => {
    for (const url of [
      'https://[64:ff9b::5db8:d822]/hook',
      'https://[2002:5db8:d822::1]/hook',
      'https://[::ffff:93.184.216.34]/hook',
      'https://[2606:2800:220:1:248:1893:25c8:1946]/hook',
      'https://93.184.216.34/hook',
      'https://1.1.1.1/hook',
    ])
      expect([url, await refusal(url)]).toEqual([url, 'allowed']);
  });

  it('keeps the test allowance to a loopback receiver, but not through a translator or relay', async () => {
    expect(await refusal('http://127.0.0.1:9/hook', testMode)).toBe('allowed');
    expect(await refusal('http://[::1]:9/hook', testMode)).toBe('allowed');
    expect(await refusal('http://[::ffff:127.0.0.1]:9/hook', testMode)).toBe('allowed');
    expect(await refusal('http://[64:ff9b::7f00:1]:9/hook', testMode)).toMatch(/loopback/);
    expect(await refusal('http://[2002:7f00:1::1]:9/hook', testMode)).toMatch(/loopback/);
  });

  it('refuses plain http to a public host, and to loopback unless the test setting allows it', async () => {
    expect(await refusal('http://93.184.216.34/hook')).toMatch(/https/);
    expect(await refusal('http://127.0.0.1:9/hook')).toMatch(/loopback/);
    expect(await refusal('http://127.0.0.1:9/hook', testMode)).toBe('allowed');
    expect(await refusal('http://10.0.0.1/hook', testMode)).toMatch(/private/);
  });

  it('refuses a name that resolves to a private address, even when only one of its addresses is', async () => {
    const lookup = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.1.2.3', family: 4 },
    ];
    expect(await refusal('https://hooks.example.com/in', strict, lookup)).toMatch(
      /private address \(10\.1\.2\.3\)/,
    );
    expect(
      await refusal('https://hooks.example.com/in', strict, async () => [
        { address: '93.184.216.34', family: 4 },
      ]),
    ).toBe('allowed');
  });

  it('refuses URLs with credentials or other schemes, naming the problem', async () => {
    expect(await refusal('ftp://example.com/x')).toMatch(/https, not ftp/);
    expect(await refusal('https://user:pw@example.com/x')).toMatch(/user name or password/);
    expect(await refusal('not a url')).toMatch(/absolute URL/);
  });

  it('classifies public addresses as public', () => {
    expect(classifyAddress('93.184.216.34')).toBe('public');
    expect(classifyAddress('2606:2800:220:1:248:1893:25c8:1946')).toBe('public');
  });

  it('never follows a redirect to loopback: the delivery fails and the target is not called', async () => {
    const target = await listen((_req, res) => res.end('secret'));
    const redirector = await listen((_req, res) => {
      res.writeHead(302, { location: `${target.url}/internal` });
      res.end();
    });
    try {
      const result = await sendWebhook(`${redirector.url}/hook`, '{}', {}, testMode);
      expect(result).toMatchObject({ ok: false, statusCode: 302 });
      expect(result.error).toMatch(/redirect .* not followed/);
      expect(target.hits).toHaveLength(0);
    } finally {
      target.server.close();
      redirector.server.close();
    }
  });

  it('gives up on a silent endpoint at the timeout and reads at most 64 kB of an answer', async () => {
    const silent = await listen(() => undefined);
    const chatty = await listen((_req, res) => {
      res.writeHead(200);
      res.end('x'.repeat(1024 * 1024));
    });
    try {
      const slow = await sendWebhook(`${silent.url}/hook`, '{}', {}, testMode, { timeoutMs: 200 });
      expect(slow).toMatchObject({ ok: false, statusCode: null });
      expect(slow.error).toMatch(/200 ms/);
      expect(slow.latencyMs).toBeLessThan(2000);
      const big = await sendWebhook(`${chatty.url}/hook`, '{}', {}, testMode);
      expect(big).toMatchObject({ ok: true, statusCode: 200 });
      expect(big.excerpt!.length).toBeLessThanOrEqual(500);
    } finally {
      silent.server.closeAllConnections();
      silent.server.close();
      chatty.server.close();
    }
  });

  it('records a refusal as a failed try without calling anything', async () => {
    const result = await sendWebhook('https://169.254.169.254/latest', '{}', {}, strict);
    expect(result).toMatchObject({ ok: false, statusCode: null });
    expect(result.error).toMatch(/^refused: .*metadata/);
  });
});

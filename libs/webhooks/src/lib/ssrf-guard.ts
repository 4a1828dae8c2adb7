import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Why an address may not be called. */
export type AddressClass = 'public' | 'loopback' | 'private' | 'link_local' | 'metadata' | 'reserved';

export interface OutboundPolicy {
  /** Test mode only, by an explicit setting: plain http to a loopback address (a local test receiver). */
  allowHttpLoopback: boolean;
}

/** A URL or address the webhook sender refuses to call; `reason` says why, for the delivery log and 400s. */
export class OutboundRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'OutboundRefused';
  }
}

const ranges = {
  metadata: new BlockList(),
  loopback: new BlockList(),
  private: new BlockList(),
  link_local: new BlockList(),
  reserved: new BlockList(),
};
// Cloud metadata services: AWS/GCP/Azure (and its IPv6 form on AWS), Alibaba.
ranges.metadata.addAddress('169.254.169.254', 'ipv4');
ranges.metadata.addAddress('fd00:ec2::254', 'ipv6');
ranges.metadata.addAddress('100.100.100.200', 'ipv4');
ranges.loopback.addSubnet('127.0.0.0', 8, 'ipv4');
ranges.loopback.addAddress('::1', 'ipv6');
ranges.private.addSubnet('10.0.0.0', 8, 'ipv4');
ranges.private.addSubnet('172.16.0.0', 12, 'ipv4');
ranges.private.addSubnet('192.168.0.0', 16, 'ipv4');
ranges.private.addSubnet('100.64.0.0', 10, 'ipv4');
ranges.private.addSubnet('fc00::', 7, 'ipv6');
ranges.link_local.addSubnet('169.254.0.0', 16, 'ipv4');
ranges.link_local.addSubnet('fe80::', 10, 'ipv6');
ranges.reserved.addSubnet('0.0.0.0', 8, 'ipv4');
ranges.reserved.addSubnet('192.0.0.0', 24, 'ipv4');
ranges.reserved.addSubnet('198.18.0.0', 15, 'ipv4');
ranges.reserved.addSubnet('224.0.0.0', 3, 'ipv4');
ranges.reserved.addAddress('::', 'ipv6');
ranges.reserved.addSubnet('ff00::', 8, 'ipv6');
ranges.reserved.addSubnet('2001:db8::', 32, 'ipv6');

/** What kind of address this is; IPv4 inside IPv6 (`::ffff:10.0.0.1`, NAT64) is judged by its IPv4 part. */
export function classifyAddress(address: string): AddressClass {
  const plain = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(plain);
  if (family === 0) throw new OutboundRefused(`'${address}' is not an IP address`);
  if (family === 6) {
    const embedded = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/i.exec(plain);
    if (embedded) return classifyAddress(embedded[1]);
    const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(plain);
    if (hex) {
      const n = (parseInt(hex[1], 16) << 16) | parseInt(hex[2], 16);
      return classifyAddress([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'));
    }
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const name of ['metadata', 'loopback', 'link_local', 'private', 'reserved'] as const) {
    if (ranges[name].check(plain, type)) return name;
  }
  return 'public';
}

/** The checks a URL must pass before any lookup: absolute, https (http only to loopback when allowed), no credentials. */
export function checkUrl(raw: string, policy: OutboundPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundRefused('url must be an absolute URL such as https://example.com/webhooks');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new OutboundRefused(`url must use https, not ${url.protocol.replace(':', '')}`);
  if (url.username || url.password) throw new OutboundRefused('url must not carry a user name or password');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) assertAllowed(host, url, policy);
  else if (url.protocol === 'http:')
    throw new OutboundRefused(
      'url must use https (plain http is allowed only to a loopback address in test mode)',
    );
  if (/^(localhost|.*\.localhost|.*\.internal|.*\.local)$/i.test(host) && !policy.allowHttpLoopback)
    throw new OutboundRefused(`url host ${host} is a local name`);
  return url;
}

function assertAllowed(address: string, url: URL, policy: OutboundPolicy): void {
  const kind = classifyAddress(address);
  if (kind === 'public') {
    if (url.protocol === 'http:')
      throw new OutboundRefused(
        'url must use https (plain http is allowed only to a loopback address in test mode)',
      );
    return;
  }
  if (kind === 'loopback' && policy.allowHttpLoopback) return;
  const what = {
    loopback: 'a loopback',
    private: 'a private',
    link_local: 'a link-local',
    metadata: 'a cloud metadata',
    reserved: 'a reserved',
  }[kind];
  throw new OutboundRefused(
    `url host ${url.hostname} resolves to ${what} address (${address}), which webhooks may not reach`,
  );
}

export type Lookup = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

const systemLookup: Lookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Resolves the URL's host; every address it has must be allowed. Returns the one to connect to (pinned, so a second lookup cannot change it). */
export async function resolveTarget(
  url: URL,
  policy: OutboundPolicy,
  lookup: Lookup = systemLookup,
): Promise<{ address: string; family: 4 | 6 }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(host);
  let addresses: Array<{ address: string; family: number }>;
  if (literal) addresses = [{ address: host, family: literal }];
  else {
    try {
      addresses = await lookup(host);
    } catch (error) {
      throw new OutboundRefused(
        `url host ${host} could not be resolved (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
  }
  if (!addresses.length) throw new OutboundRefused(`url host ${host} has no address`);
  for (const { address } of addresses) assertAllowed(address, url, policy);
  return { address: addresses[0].address, family: addresses[0].family === 6 ? 6 : 4 };
}

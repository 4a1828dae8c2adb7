import { lookup as dnsLookup } from 'node:dns/promises';
import {
  judgeAddress,
  parseAddress,
  type AddressClass,
  type IpAddress,
  type IPv6Address,
} from './ssrf-guard.ranges';

export type { AddressClass } from './ssrf-guard.ranges';

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

/**
 * What kind of address this is, by range: any IPv4 spelling, and IPv6 with its embedded IPv4
 * (mapped, compatible, NAT64, 6to4, Teredo) judged by that IPv4 address.
 */
export function classifyAddress(address: string): AddressClass {
  const parsed = parseAddress(address);
  if (!parsed) throw new OutboundRefused(`'${address}' is not an IP address`);
  return judgeAddress(parsed).kind;
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
  if (parseAddress(host)) assertAllowed(host, url, policy);
  else if (url.protocol === 'http:')
    throw new OutboundRefused(
      'url must use https (plain http is allowed only to a loopback address in test mode)',
    );
  if (/^(localhost|.*\.localhost|.*\.internal|.*\.local)$/i.test(host) && !policy.allowHttpLoopback)
    throw new OutboundRefused(`url host ${host} is a local name`);
  return url;
}

/** Throws unless the address may be called; returns it parsed. */
function assertAllowed(address: string, url: URL, policy: OutboundPolicy): IpAddress {
  const parsed = parseAddress(address);
  if (!parsed)
    throw new OutboundRefused(
      `url host ${url.hostname} resolves to '${address}', which is not an IP address`,
    );
  const { kind, embedded, direct } = judgeAddress(parsed);
  if (kind === 'public') {
    if (url.protocol === 'http:')
      throw new OutboundRefused(
        'url must use https (plain http is allowed only to a loopback address in test mode)',
      );
    return parsed;
  }
  // The test allowance is for a receiver on this machine, not for one reached through a translator.
  if (kind === 'loopback' && direct && policy.allowHttpLoopback) return parsed;
  const what = {
    loopback: 'a loopback',
    private: 'a private',
    link_local: 'a link-local',
    metadata: 'a cloud metadata',
    reserved: 'a reserved',
  }[kind];
  throw new OutboundRefused(
    `url host ${url.hostname} resolves to ${what} address (${address}${embedded ? `, which embeds ${embedded}` : ''}), which webhooks may not reach`,
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
  const literal = parseAddress(host);
  let addresses: Array<{ address: string; family: number }>;
  if (literal) addresses = [{ address: host, family: literal.kind() === 'ipv6' ? 6 : 4 }];
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
  const judged = addresses.map(({ address }) => assertAllowed(address, url, policy));
  // Connect in the canonical spelling, so the socket reaches the address that was judged.
  const pinned = judged[0];
  return pinned.kind() === 'ipv6'
    ? { address: (pinned as IPv6Address).toRFC5952String(), family: 6 }
    : { address: pinned.toString(), family: 4 };
}

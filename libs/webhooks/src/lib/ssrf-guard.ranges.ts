import ipaddr from 'ipaddr.js';

/** Why an address may not be called. */
export type AddressClass = 'public' | 'loopback' | 'private' | 'link_local' | 'metadata' | 'reserved';

/** How an address was judged: its class and, when it carries an IPv4 address inside IPv6, that address. */
export interface AddressVerdict {
  kind: AddressClass;
  /** The IPv4 address the IPv6 address embeds (mapped, compatible, NAT64, 6to4, Teredo). */
  embedded?: string;
  /** True when connecting to the address reaches the embedded IPv4 host directly (an IPv4-mapped address). */
  direct: boolean;
}

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;
export type IPv6Address = ipaddr.IPv6;

type Table = Array<[ipaddr.IPv4 | ipaddr.IPv6, number, AddressClass]>;

const table = (rows: Array<[string, AddressClass]>): Table =>
  rows.map(([cidr, kind]) => {
    const [address, bits] = ipaddr.parseCIDR(cidr);
    return [address, bits, kind];
  });

// Cloud metadata services come first so they are named as such: AWS/GCP/Azure/OpenStack,
// AWS over IPv6, Alibaba, Oracle.
const ipv4Ranges = table([
  ['169.254.169.254/32', 'metadata'],
  ['100.100.100.200/32', 'metadata'],
  ['192.0.0.192/32', 'metadata'],
  // The IANA IPv4 Special-Purpose Address Registry, plus multicast and broadcast.
  ['0.0.0.0/8', 'reserved'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'private'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link_local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'reserved'],
  ['192.31.196.0/24', 'reserved'],
  ['192.52.193.0/24', 'reserved'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['192.175.48.0/24', 'reserved'],
  ['198.18.0.0/15', 'reserved'],
  ['198.51.100.0/24', 'reserved'],
  ['203.0.113.0/24', 'reserved'],
  ['224.0.0.0/4', 'reserved'],
  ['240.0.0.0/4', 'reserved'],
]);

// The IANA IPv6 Special-Purpose Address Registry and the deprecated site-local block. The
// ranges that embed IPv4 are judged by `embeddedIPv4` before this table is read.
const ipv6Ranges = table([
  ['fd00:ec2::254/128', 'metadata'],
  ['::1/128', 'loopback'],
  ['::/128', 'reserved'],
  ['100::/64', 'reserved'],
  ['100:0:0:1::/64', 'reserved'],
  ['2001::/23', 'reserved'],
  ['2001:db8::/32', 'reserved'],
  ['2620:4f:8000::/48', 'reserved'],
  ['3fff::/20', 'reserved'],
  ['5f00::/16', 'reserved'],
  ['fc00::/7', 'private'],
  ['fec0::/10', 'private'],
  ['fe80::/10', 'link_local'],
  ['ff00::/8', 'reserved'],
]);

const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');

const cidr = (text: string) => ipaddr.parseCIDR(text) as [ipaddr.IPv6, number];
const MAPPED = cidr('::ffff:0:0/96');
const TRANSLATED = cidr('::ffff:0:0:0/96');
const COMPATIBLE = cidr('::/96');
const NAT64 = cidr('64:ff9b::/96');
const NAT64_LOCAL = cidr('64:ff9b:1::/48');
const SIX_TO_FOUR = cidr('2002::/16');
const TEREDO = cidr('2001::/32');

const ipv4FromWords = (high: number, low: number) =>
  new ipaddr.IPv4([high >> 8, high & 255, low >> 8, low & 255]);

/**
 * The IPv4 addresses an IPv6 address carries, and what to call the IPv6 address itself when
 * every one of them is public: a mapped address reaches its IPv4 host, a NAT64 or 6to4 address
 * the public IPv4 internet through a translator or relay; the deprecated and local-use forms
 * are never a merchant's receiver.
 */
function embeddedIPv4(
  address: ipaddr.IPv6,
): { inside: ipaddr.IPv4[]; otherwise: AddressClass; direct: boolean } | null {
  const w = address.parts;
  if (address.match(MAPPED))
    return { inside: [ipv4FromWords(w[6], w[7])], otherwise: 'public', direct: true };
  if (address.match(TRANSLATED))
    return { inside: [ipv4FromWords(w[6], w[7])], otherwise: 'reserved', direct: false };
  if (address.match(NAT64))
    return { inside: [ipv4FromWords(w[6], w[7])], otherwise: 'public', direct: false };
  // Local-use NAT64: the IPv4 part's place depends on a prefix length only the local operator
  // knows; the /96 form is judged for the message, and the prefix is never a merchant's anyway.
  if (address.match(NAT64_LOCAL))
    return { inside: [ipv4FromWords(w[6], w[7])], otherwise: 'private', direct: false };
  // ::/96 holds :: and ::1 too, which the range table names.
  if (address.match(COMPATIBLE) && (w[6] !== 0 || w[7] > 1))
    return { inside: [ipv4FromWords(w[6], w[7])], otherwise: 'reserved', direct: false };
  if (address.match(SIX_TO_FOUR))
    return { inside: [ipv4FromWords(w[1], w[2])], otherwise: 'public', direct: false };
  // Teredo: the server's address, then the client's, stored inverted.
  if (address.match(TEREDO))
    return {
      inside: [ipv4FromWords(w[2], w[3]), ipv4FromWords(~w[6] & 0xffff, ~w[7] & 0xffff)],
      otherwise: 'reserved',
      direct: false,
    };
  return null;
}

function lookUp(address: ipaddr.IPv4 | ipaddr.IPv6, rows: Table): AddressClass | null {
  for (const [network, bits, kind] of rows)
    if (address.kind() === network.kind() && address.match(network, bits)) return kind;
  return null;
}

function judgeIPv4(address: ipaddr.IPv4): AddressClass {
  return lookUp(address, ipv4Ranges) ?? 'public';
}

/**
 * Parses an IP address in any spelling a host or resolver may use: dotted IPv4 in decimal,
 * octal or hex and its short forms (`127.1`, `0x7f.1`, `2130706433`), IPv6 with or without
 * brackets, an embedded dotted IPv4 or a zone. Returns null for anything that is not one.
 */
export function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const plain = text.replace(/^\[(.*)\]$/, '$1');
  try {
    return ipaddr.parse(plain);
  } catch {
    return null;
  }
}

/** Judges an address by the IANA special-purpose ranges, looking through every IPv4-in-IPv6 form. */
export function judgeAddress(address: ipaddr.IPv4 | ipaddr.IPv6): AddressVerdict {
  if (address.kind() === 'ipv4') return { kind: judgeIPv4(address as ipaddr.IPv4), direct: true };
  const v6 = address as ipaddr.IPv6;
  const embedded = embeddedIPv4(v6);
  if (embedded) {
    for (const inner of embedded.inside) {
      const kind = judgeIPv4(inner);
      if (kind !== 'public') return { kind, embedded: inner.toString(), direct: embedded.direct };
    }
    return { kind: embedded.otherwise, embedded: embedded.inside[0].toString(), direct: embedded.direct };
  }
  const listed = lookUp(v6, ipv6Ranges);
  if (listed) return { kind: listed, direct: true };
  // Outside 2000::/3 nothing is allocated for unicast on the internet yet.
  return { kind: v6.match(GLOBAL_UNICAST) ? 'public' : 'reserved', direct: true };
}

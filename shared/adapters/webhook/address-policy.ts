import { BlockList, isIP } from 'node:net';

/** What kind of address a webhook would connect to: only `public` is reachable on AWS. */
export type AddressKind =
  | 'public'
  | 'metadata'
  | 'unspecified'
  | 'loopback'
  | 'link-local'
  | 'private'
  | 'multicast'
  | 'reserved';

type Range = readonly [network: string, prefix: number];

/** IPv4 ranges by kind, most specific kind first (the metadata addresses lie inside link-local). */
const IPV4_RANGES: readonly (readonly [Exclude<AddressKind, 'public'>, readonly Range[]])[] = [
  [
    'metadata',
    [
      ['169.254.169.254', 32],
      ['169.254.170.2', 32],
    ],
  ],
  ['unspecified', [['0.0.0.0', 8]]],
  ['loopback', [['127.0.0.0', 8]]],
  ['link-local', [['169.254.0.0', 16]]],
  [
    'private',
    [
      ['10.0.0.0', 8],
      ['172.16.0.0', 12],
      ['192.168.0.0', 16],
      ['100.64.0.0', 10],
    ],
  ],
  ['multicast', [['224.0.0.0', 4]]],
  ['reserved', [['240.0.0.0', 4]]],
];

const IPV6_RANGES: readonly (readonly [Exclude<AddressKind, 'public'>, readonly Range[]])[] = [
  ['metadata', [['fd00:ec2::254', 128]]],
  ['unspecified', [['::', 128]]],
  ['loopback', [['::1', 128]]],
  ['link-local', [['fe80::', 10]]],
  [
    'private',
    [
      ['fc00::', 7],
      ['fec0::', 10],
    ],
  ],
  ['multicast', [['ff00::', 8]]],
];

/** The NAT64 prefix (RFC 6052): `64:ff9b::a.b.c.d` reaches the IPv4 address `a.b.c.d` through a NAT gateway. */
const NAT64_PREFIX = '64:ff9b::';

/**
 * One block list per kind. An IPv4 range also covers its IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`, which
 * `BlockList` matches against IPv4 rules) and its NAT64 addresses (added explicitly).
 */
const BLOCK_LISTS: readonly (readonly [Exclude<AddressKind, 'public'>, BlockList])[] = (() => {
  const lists = new Map<Exclude<AddressKind, 'public'>, BlockList>();
  const listOf = (kind: Exclude<AddressKind, 'public'>) => {
    const list = lists.get(kind) ?? new BlockList();
    lists.set(kind, list);
    return list;
  };
  for (const [kind, ranges] of IPV4_RANGES) {
    for (const [network, prefix] of ranges) {
      listOf(kind).addSubnet(network, prefix, 'ipv4');
      listOf(kind).addSubnet(`${NAT64_PREFIX}${network}`, 96 + prefix, 'ipv6');
    }
  }
  for (const [kind, ranges] of IPV6_RANGES) {
    for (const [network, prefix] of ranges) listOf(kind).addSubnet(network, prefix, 'ipv6');
  }
  return [...lists];
})();

/** Host names (as a URL spells them) that plain `http:` may reach in the embedded runtime. */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The kind of an IP address (v4 or v6, IPv4-mapped and NAT64 addresses by the IPv4 address they carry).
 * @example addressKind('169.254.169.254') // 'metadata'
 */
export const addressKind = (address: string): AddressKind => {
  const family = isIP(address);
  if (family === 0) throw new Error(`${address} is not an IP address`);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return BLOCK_LISTS.find(([, list]) => list.check(address, type))?.[0] ?? 'public';
};

/** Where a webhook may go: the embedded runtime also reaches this machine's loopback names over `http:`. */
export interface AddressPolicy {
  /** True in the embedded runtime: `http:` and loopback addresses for `127.0.0.1`, `localhost` and `[::1]`. */
  readonly allowLoopbackHttp: boolean;
}

/** A URL's host as an address is spelled: `[::1]` → `::1`. */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

const loopbackAllowed = (url: URL, policy: AddressPolicy) =>
  policy.allowLoopbackHttp && LOOPBACK_HOSTS.has(url.hostname);

/**
 * Why `url` may not be called whatever its host resolves to (its scheme), or undefined.
 * @example urlRefusal(new URL('http://example.com'), { allowLoopbackHttp: false }) // 'only https: URLs …'
 */
export const urlRefusal = (url: URL, policy: AddressPolicy): string | undefined => {
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return `${url.protocol} URLs are not called: use https:`;
  if (!policy.allowLoopbackHttp) return 'only https: URLs are called';
  if (!loopbackAllowed(url, policy)) {
    return `http: is allowed only to this machine (127.0.0.1, localhost, [::1]), not to ${url.hostname}: use https:`;
  }
  return undefined;
};

/**
 * Why a connection for `url` may not go to `address` (an address its host resolved to, or the host itself when
 * it is an IP literal), or undefined. Public addresses are reachable; loopback only from a loopback host name in
 * the embedded runtime; private, link-local, metadata, unspecified, multicast and reserved addresses never.
 * @example addressRefusal(new URL('https://hooks.example'), '10.0.0.7', { allowLoopbackHttp: false })
 */
export const addressRefusal = (url: URL, address: string, policy: AddressPolicy): string | undefined => {
  const kind = addressKind(address);
  const target = hostOf(url) === address ? address : `${url.hostname} (resolved to ${address})`;
  if (kind === 'public') {
    return url.protocol === 'http:'
      ? `${target} is not a loopback address: http: goes to loopback only`
      : undefined;
  }
  if (kind === 'loopback' && loopbackAllowed(url, policy)) return undefined;
  return `${target} is not a public address (${kind}): webhooks go to public addresses only`;
};

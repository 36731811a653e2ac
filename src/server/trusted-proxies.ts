import { BlockList, isIP } from 'node:net';

/**
 * TRUST_PROXY: the addresses of the reverse proxies in front of the server (Caddy, nginx). A
 * request that comes from one of them is taken to be from the address the proxy names in
 * X-Forwarded-For, so the enrolment limiter counts each tablet's own address, not the proxy's.
 * Anyone else's X-Forwarded-For is ignored: a client cannot choose the address it is counted as.
 */

/** Names for the usual ranges, as proxy-addr (which Fastify uses) spells them. */
const NAMED_RANGES: Readonly<Record<string, readonly (readonly [string, number])[]>> = {
  loopback: [
    ['127.0.0.0', 8],
    ['::1', 128],
  ],
  linklocal: [
    ['169.254.0.0', 16],
    ['fe80::', 10],
  ],
  uniquelocal: [
    ['10.0.0.0', 8],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
    ['fc00::', 7],
  ],
};

export const PROXY_RANGE_NAMES = Object.keys(NAMED_RANGES);

/** Tells whether an address (as a socket or X-Forwarded-For gives it) is one of a list's. */
export type AddressMatcher = (address: string) => boolean;

/**
 * Reads a list of addresses (`10.0.0.5`, `::1`), ranges (`10.0.0.0/24`) and names (`loopback`).
 * Throws an Error naming the first entry that is none of these.
 */
export function addressMatcher(entries: readonly string[]): AddressMatcher {
  const list = new BlockList();
  for (const entry of entries) addEntry(list, entry);
  // BlockList matches an IPv4-mapped IPv6 address (::ffff:127.0.0.1) against IPv4 rules too.
  return (address) => {
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
}

function addEntry(list: BlockList, entry: string): void {
  const named = NAMED_RANGES[entry.toLowerCase()];
  if (named) {
    for (const [network, prefix] of named) list.addSubnet(network, prefix, isIP(network) === 4 ? 'ipv4' : 'ipv6');
    return;
  }
  const [address = '', prefixText, ...rest] = entry.split('/');
  const family = isIP(address);
  const maxPrefix = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? maxPrefix : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (family === 0 || rest.length > 0 || !(prefix >= 0 && prefix <= maxPrefix)) {
    throw new Error(`${JSON.stringify(entry.slice(0, 60))} is not an address, a range such as 10.0.0.0/24, or one of ${PROXY_RANGE_NAMES.join(', ')}`);
  }
  list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
}

/** Loopback: a proxy on the same machine, and whatever else runs there, which could stop the server anyway. */
export const isLoopback = addressMatcher(['loopback']);

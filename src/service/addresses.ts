/**
 * Who is asking, by address: which proxies may name the client (X-Forwarded-For, read from the
 * right, never the left-most entry a client writes itself), and which addresses are the
 * operator's own (no per-address limits for them).
 */
import { BlockList, isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import type { FastifyRequest } from 'fastify';
import { isPrivateAddress } from './fetch-url.js';
import type { Settings } from './settings.js';

/** A matcher for a list of addresses and CIDR blocks; IPv4-mapped IPv6 addresses match their IPv4 form. */
export const addressMatcher = (entries: readonly string[]): ((ip: string) => boolean) => {
  const list = new BlockList();
  for (const e of entries) {
    const [ip, bits] = e.split('/') as [string, string | undefined];
    const type = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(ip, type);
    else list.addSubnet(ip, Number(bits), type);
  }
  return (ip: string) => {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
    if (mapped) return list.check(mapped[1]!, 'ipv4');
    const fam = isIP(ip);
    return fam !== 0 && list.check(ip, fam === 6 ? 'ipv6' : 'ipv4');
  };
};

/**
 * Fastify's trust function for X-Forwarded-For. `i` counts hops from us: 0 is the peer of the
 * socket, 1 the right-most header entry, and so on; the client is the first address not trusted.
 * A hop count trusts the peer only when it is a private or loopback address, so a client that
 * reaches the server directly from a public address cannot write its own address.
 */
export const trustProxyFn = (s: Settings['trustProxy']): false | ((addr: string, i: number) => boolean) => {
  if (s === false) return false;
  if (typeof s === 'number') return (addr, i) => i < s && (i > 0 || isPrivateAddress(addr));
  const proxies = addressMatcher(s);
  return (addr) => proxies(addr);
};

/**
 * The operator's own addresses skip per-address limits. A request that came through a proxy we
 * do not trust (it carries forwarding headers) is not the operator's, whatever its peer address:
 * otherwise every client behind a local reverse proxy would be exempt.
 */
export const exemptCheck = (s: Pick<Settings, 'exemptAddresses' | 'trustProxy'>): ((req: FastifyRequest) => boolean) => {
  const exempt = addressMatcher(s.exemptAddresses);
  return (req) => {
    if (s.trustProxy === false && (req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined)) return false;
    return exempt(req.ip);
  };
};

/**
 * Which Host headers may be copied into links: the operator's `allowedHosts` (any port), and,
 * on the listening port, the listening address, loopback names, this machine's name and, when
 * listening on every interface, the machine's interface addresses. Anything else gets links to
 * the listening address instead.
 */
export const hostCheck = (o: { listenHost: string; port: number; allowedHosts: readonly string[] }): ((hostHeader: unknown) => boolean) => {
  const strip = (h: string) => h.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  const operator = new Set(o.allowedHosts.map(strip));
  const wildcard = o.listenHost === '0.0.0.0' || o.listenHost === '::';
  let local = new Set<string>();
  let at = 0;
  const refresh = () => {
    const names = ['localhost', '127.0.0.1', '::1', hostname(), `${hostname()}.local`, ...(wildcard ? [] : [o.listenHost])];
    if (wildcard) for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) names.push(i.address);
    local = new Set(names.map(strip));
    at = Date.now();
  };
  return (hostHeader) => {
    if (typeof hostHeader !== 'string' || hostHeader.length > 300) return false;
    const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(hostHeader);
    if (!m) return false;
    const name = strip(m[1]!);
    if (operator.has(name)) return true;
    if (Date.now() - at > 60_000) refresh();
    return local.has(name) && Number(m[2] ?? 80) === o.port;
  };
};

/**
 * Downloading a file a user names by URL, without letting the URL reach inside our network:
 * http(s) only; every address a name resolves to is checked when the connection is made (so a
 * name cannot change its answer between check and use); redirects are followed by hand, a few
 * at most, each checked again; the body is a stream, cut at the size limit by the caller.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import { StillmotionError } from '../errors.js';

const V4_BLOCKED: ReadonlyArray<[number, number]> = [
  [0x00000000, 8], [0x0a000000, 8], [0x64400000, 10], [0x7f000000, 8], [0xa9fe0000, 16], [0xac100000, 12], [0xc0000000, 24],
  [0xc0000200, 24], [0xc0a80000, 16], [0xc6120000, 15], [0xc6336400, 24], [0xcb007100, 24], [0xe0000000, 4], [0xf0000000, 4],
];

const v4Private = (ip: string): boolean => {
  const n = ip.split('.').reduce((a, b) => (a << 8) + Number(b), 0) >>> 0;
  return V4_BLOCKED.some(([net, bits]) => (n >>> (32 - bits)) === (net >>> (32 - bits)));
};

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part included), or null. */
const v6Groups = (ip: string): number[] | null => {
  let s = ip.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const b = dotted[1]!.split('.').map(Number);
    s = s.slice(0, -dotted[1]!.length) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...Array(Math.max(0, fill)).fill('0'), ...tail].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
};

/**
 * True for loopback, private, link-local, CGNAT, multicast, unspecified and reserved addresses, in
 * any spelling. IPv6 is judged by what is public rather than by a list of what is not: only
 * global unicast (2000::/3, less its special blocks) is public, plus IPv4 addresses carried inside
 * IPv6 (mapped, translated, NAT64, 6to4), which are judged as IPv4.
 */
export const isPrivateAddress = (ip: string): boolean => {
  const fam = isIP(ip);
  if (fam === 4) return v4Private(ip);
  if (fam !== 6) return true;
  const g = v6Groups(ip);
  if (!g) return true;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zero(0, 5) && g[5] === 0xffff) return v4Private(v4(g[6]!, g[7]!)); // ::ffff:0:0/96, IPv4-mapped
  if (zero(0, 4) && g[4] === 0xffff && g[5] === 0) return v4Private(v4(g[6]!, g[7]!)); // ::ffff:0:0:0/96, IPv4-translated (SIIT)
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) return v4Private(v4(g[6]!, g[7]!)); // 64:ff9b::/96, NAT64
  if (g[0] === 0x2002) return v4Private(v4(g[1]!, g[2]!)); // 2002::/16, 6to4
  if ((g[0]! & 0xe000) !== 0x2000) return true; // outside global unicast: ::/96 (IPv4-compatible), ::1, 64:ff9b:1::/48, 100::/64, ULA, link-local, multicast…
  return (g[0] === 0x2001 && g[1]! < 0x200) // 2001::/23: IETF protocol assignments (Teredo 2001::/32, benchmarking, ORCHID)
    || (g[0] === 0x2001 && g[1] === 0xdb8) // documentation
    || (g[0] === 0x3fff && g[1]! < 0x1000); // 3fff::/20, documentation
};

const refused = (url: string, why: string) =>
  new StillmotionError('BAD_REQUEST', `cannot fetch ${url}: ${why}`, { hint: 'send a public http(s) link, or upload the file itself', details: { field: 'urls' } });

export interface FetchedBody { readonly stream: Readable; readonly name: string; readonly contentLength: number | null }

export const fetchUrl = async (raw: string, o: { allowPrivate: boolean; maxRedirects: number; timeoutMs?: number; signal?: AbortSignal }): Promise<FetchedBody> => {
  let url: URL;
  try { url = new URL(raw); } catch { throw refused(String(raw).slice(0, 200), 'not a URL'); }
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refused(url.href, `the ${url.protocol} scheme is not allowed`);
    if (url.username || url.password) throw refused(url.href, 'links with credentials are not allowed');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && !o.allowPrivate && isPrivateAddress(host)) throw refused(url.href, 'the address is private, loopback or link-local');
    const guardedLookup = (hostname: string, opts: object, cb: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
      dnsLookup(hostname, { ...opts, all: true }, (err, addrs) => {
        if (err) return cb(err, '');
        const list = addrs as LookupAddress[];
        const bad = list.find((a) => !o.allowPrivate && isPrivateAddress(a.address));
        if (bad) return cb(Object.assign(new Error(`${hostname} resolves to ${bad.address}, a private address`), { code: 'EPRIVATE' }), '');
        if ((opts as { all?: boolean }).all) return cb(null, list);
        return cb(null, list[0]!.address, list[0]!.family);
      });
    };
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const mod = url.protocol === 'https:' ? https : http;
      const req = mod.get(url, { lookup: guardedLookup as never, timeout: o.timeoutMs ?? 15_000, signal: o.signal, headers: { 'user-agent': 'stillmotion' } }, resolve);
      req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
    }).catch((e: NodeJS.ErrnoException) => {
      throw refused(url.href, e.code === 'EPRIVATE' ? e.message : `the request failed (${e.code ?? e.message})`);
    });
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      if (hop >= o.maxRedirects) throw refused(url.href, `more than ${o.maxRedirects} redirects`);
      url = new URL(res.headers.location, url);
      continue;
    }
    if (status !== 200) {
      res.resume();
      throw refused(url.href, `the server answered ${status}`);
    }
    const len = Number(res.headers['content-length']);
    const last = url.pathname.split('/').pop() || '';
    let name: string;
    try { name = decodeURIComponent(last) || url.hostname; } catch { name = last || url.hostname; }
    return { stream: res, name, contentLength: Number.isFinite(len) ? len : null };
  }
};

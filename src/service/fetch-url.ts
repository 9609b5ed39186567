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

/** True for loopback, private, link-local, CGNAT, multicast, unspecified and reserved addresses, in any spelling. */
export const isPrivateAddress = (ip: string): boolean => {
  const fam = isIP(ip);
  if (fam === 4) return v4Private(ip);
  if (fam !== 6) return true;
  const g = v6Groups(ip);
  if (!g) return true;
  const embedded = `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
  const zero5 = g.slice(0, 5).every((x) => x === 0);
  if (zero5 && (g[5] === 0xffff || g[5] === 0)) return g[5] === 0 && g[6] === 0 && (g[7] === 0 || g[7] === 1) ? true : v4Private(embedded); // mapped, compatible, ::, ::1
  if (g[0] === 0x64 && g[1] === 0xff9b) return v4Private(embedded); // NAT64
  if (g[0] === 0x2002) return v4Private(`${g[1]! >> 8}.${g[1]! & 255}.${g[2]! >> 8}.${g[2]! & 255}`); // 6to4
  return (g[0]! & 0xfe00) === 0xfc00 || (g[0]! & 0xffc0) === 0xfe80 || (g[0]! & 0xffc0) === 0xfec0 || (g[0]! & 0xff00) === 0xff00
    || (g[0] === 0x2001 && g[1] === 0xdb8) || (g[0] === 0x2001 && g[1]! < 0x200 && g[1] === 0);
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

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

const v4 = (ip: string): number[] => ip.split('.').map(Number);

/** True for loopback, private, link-local, CGNAT, multicast, unspecified and reserved addresses. */
export const isPrivateAddress = (ip: string): boolean => {
  const fam = isIP(ip);
  if (fam === 4) {
    const [a, b] = v4(ip) as [number, number];
    return a === 0 || a === 10 || a === 127 || a >= 224 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31)
      || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || (a === 192 && b === 0) || (a === 198 && (b === 18 || b === 19));
  }
  if (fam === 6) {
    const x = ip.toLowerCase();
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(x);
    if (mapped) return isPrivateAddress(mapped[1]!);
    return x === '::' || x === '::1' || /^f[cd]/.test(x) || /^fe[89ab]/.test(x) || /^ff/.test(x) || x.startsWith('64:ff9b:') || x.startsWith('2001:db8:');
  }
  return true;
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
    const name = decodeURIComponent(url.pathname.split('/').pop() || '') || url.hostname;
    return { stream: res, name, contentLength: Number.isFinite(len) ? len : null };
  }
};

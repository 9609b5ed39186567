/**
 * A misbehaving server for the client's recovery paths: an HTTP proxy in front of the real one
 * that, once per injected fault, drops a turn's stream mid-way, strips its text, answers a coded
 * error (1001, 1002, 429 with Retry-After, 2001…), fails an export, or adds GUI talk. Everything
 * else passes through unchanged. It records every request, so tests can prove what was (not) sent.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  /** The next turn's stream: pass `afterEvents` agent events through, then cut the connection. */
  | { kind: 'drop-stream'; afterEvents: number }
  /** The next turn's stream: every text part removed (the turn still runs and edits). */
  | { kind: 'silent-turn' }
  /** The next turn's stream: `text` appended to the last text part. */
  | { kind: 'append-text'; text: string }
  /** The next turn's stream: its last event says the turn failed with this code. */
  | { kind: 'fail-turn'; code: number }
  /** The next turn's stream: nothing forwarded for `ms` before the last event (heartbeats too). */
  | { kind: 'hold'; ms: number }
  /** The next status poll of an export answers `failed`. */
  | { kind: 'fail-export' }
  /** The next request matching method and path answers this envelope instead of reaching the server. */
  | { kind: 'reply'; method: string; path: RegExp; status: number; code: number; message: string; data?: Record<string, unknown>; headers?: Record<string, string> };

export interface Logged { method: string; path: string; status: number; fault: string | null; clientId: string | null; auth: boolean }

export class FaultProxy {
  readonly log: Logged[] = [];
  #faults: Fault[] = [];
  #server: Server;
  #target: URL;
  url = '';

  private constructor(target: string) {
    this.#target = new URL(target);
    this.#server = createServer((req, res) => { void this.#handle(req, res); });
  }

  static async start(target: string): Promise<FaultProxy> {
    const p = new FaultProxy(target);
    await new Promise<void>((r) => p.#server.listen(0, '127.0.0.1', r));
    p.url = `http://127.0.0.1:${(p.#server.address() as AddressInfo).port}`;
    return p;
  }

  inject(...f: Fault[]): this {
    this.#faults.push(...f);
    return this;
  }

  get pending(): number {
    return this.#faults.length;
  }

  count(method: string, path: RegExp): number {
    return this.log.filter((l) => l.method === method && path.test(l.path)).length;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((r) => this.#server.close(() => r()));
  }

  #take<K extends Fault['kind']>(kind: K, test: (f: Extract<Fault, { kind: K }>) => boolean = () => true): Extract<Fault, { kind: K }> | null {
    const i = this.#faults.findIndex((f) => f.kind === kind && test(f as Extract<Fault, { kind: K }>));
    if (i === -1) return null;
    return this.#faults.splice(i, 1)[0] as Extract<Fault, { kind: K }>;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const entry: Logged = { method, path, status: 0, fault: null, clientId: (req.headers['x-client-id'] as string | undefined) ?? null, auth: typeof req.headers.authorization === 'string' };
    this.log.push(entry);

    const reply = this.#take('reply', (f) => f.method === method && f.path.test(path));
    if (reply) {
      entry.status = reply.status;
      entry.fault = `reply ${reply.code}`;
      res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...(reply.headers ?? {}) });
      res.end(JSON.stringify({ code: reply.code, message: reply.message, data: reply.data ?? {} }));
      return;
    }

    const isTurn = method === 'POST' && path === '/run_sse';
    // Every turn fault waiting applies to the next turn.
    const turnFaults = isTurn ? this.#faults.filter((f) => ['drop-stream', 'silent-turn', 'append-text', 'hold', 'fail-turn'].includes(f.kind)) : [];
    this.#faults = this.#faults.filter((f) => !turnFaults.includes(f));
    const failExport = method === 'GET' && /^\/api\/render\/proxy\/lambda\/[^/]+$/.test(path) ? this.#take('fail-export') : null;

    const headers = { ...req.headers, host: this.#target.host };
    const up = request({ host: this.#target.hostname, port: this.#target.port, method, path, headers }, (ur) => {
      entry.status = ur.statusCode ?? 0;
      const sse = (ur.headers['content-type'] ?? '').includes('text/event-stream');
      if (failExport && entry.status === 200) {
        entry.fault = 'fail-export';
        ur.resume();
        const id = decodeURIComponent(path.split('/').pop()!);
        const data = { id, status: 'failed', progress: 0, error: { code: 5001, message: 'injected: the encoder crashed' } };
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ code: 0, message: 'failed', status: 'failed', progress: 0, data }));
        return;
      }
      if (!sse || turnFaults.length === 0) {
        res.writeHead(entry.status, ur.headers);
        ur.pipe(res);
        return;
      }
      entry.fault = turnFaults.map((f) => f.kind).join('+');
      res.writeHead(entry.status, ur.headers);
      res.flushHeaders(); // the stream is open before anything goes wrong
      void this.#transformTurn(ur, res, turnFaults, () => up.destroy());
    });
    up.on('error', () => { if (!res.headersSent) res.writeHead(502); res.end(); });
    res.on('close', () => { if (!res.writableFinished) up.destroy(); });
    up.end(body);
  }

  /** Rewrites a turn's SSE stream event by event, as the fault says. */
  async #transformTurn(ur: IncomingMessage, res: ServerResponse, faults: Fault[], abortUpstream: () => void): Promise<void> {
    const drop = faults.find((f) => f.kind === 'drop-stream') as Extract<Fault, { kind: 'drop-stream' }> | undefined;
    const silent = faults.some((f) => f.kind === 'silent-turn');
    const append = faults.find((f) => f.kind === 'append-text') as Extract<Fault, { kind: 'append-text' }> | undefined;
    const hold = faults.find((f) => f.kind === 'hold') as Extract<Fault, { kind: 'hold' }> | undefined;
    const fail = faults.find((f) => f.kind === 'fail-turn') as Extract<Fault, { kind: 'fail-turn' }> | undefined;
    let buf = '';
    let events = 0;
    const blocks: string[] = [];
    const write = (b: string) => res.write(`${b}\n\n`);
    const flushOne = async (block: string): Promise<boolean> => {
      const dataLine = block.split('\n').find((l) => l.startsWith('data: '));
      const isEvent = dataLine !== undefined && dataLine.length > 'data: '.length;
      if (!isEvent) {
        if (!hold) write(block);
        return true;
      }
      const ev = JSON.parse(dataLine.slice(6)) as { content?: { parts?: Array<Record<string, unknown>> }; turn_complete?: boolean; error_code?: string };
      if (fail && ev.turn_complete) ev.error_code = String(fail.code);
      events++;
      if (drop && events > drop.afterEvents) {
        abortUpstream();
        await new Promise((r) => setTimeout(r, 50)); // what came before reaches the client first
        res.destroy(); // then the connection just ends, mid-turn
        return false;
      }
      if (silent && ev.content?.parts) {
        ev.content.parts = ev.content.parts.filter((p) => !('text' in p));
      }
      if (append && ev.turn_complete && ev.content?.parts) {
        const t = ev.content.parts.find((p) => 'text' in p) as { text: string } | undefined;
        if (t) t.text += append.text;
      }
      if (hold && ev.turn_complete) await new Promise((r) => setTimeout(r, hold.ms));
      write(`data: ${JSON.stringify(ev)}`);
      return true;
    };
    ur.setEncoding('utf8');
    for await (const chunk of ur) {
      buf += chunk as string;
      let i;
      while ((i = buf.indexOf('\n\n')) !== -1) {
        blocks.push(buf.slice(0, i));
        buf = buf.slice(i + 2);
      }
      while (blocks.length) {
        if (!(await flushOne(blocks.shift()!))) return;
      }
    }
    res.end();
  }
}

/**
 * The credits ledger under load: 50 chat turns fired at once on one token (10 sessions, 5 distinct
 * messages each), 100 credits at 5 per render. While they run every balance read keeps
 * available + frozen = total with nothing negative; at the end exactly 20 renders were charged,
 * the other 30 turns were refused for credits (a JSON 402 before the stream, or error_code "2001"
 * in it), nothing stays frozen, and the ledger table agrees with the balance.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { tempDir, texturedJpeg } from '../support/fixtures.js';
import { DATABASES, PG_SKIP, runSse, setup, sleep, testServer, uploadFile, type SseEvent, type TestServer } from './support.js';

interface Balance { available: number; frozen: number; total: number }

const START = 100;
const COST = 5;
const SESSIONS = 10;
const PER_SESSION = 5;
// Five messages that make five different drafts whatever order they run in (two zoom-ins of one strength would leave the second with nothing to change).
const MOVES = ['slow zoom', 'slow pan left', 'zoom out', 'pan right', 'strong zoom in'] as const;

const parts = (events: readonly SseEvent[]): Array<Record<string, any>> =>
  events.flatMap((e) => ((e.json?.content as { parts?: Array<Record<string, any>> } | undefined)?.parts ?? []));

const rendered = (events: readonly SseEvent[]): boolean =>
  parts(events).some((p) => p.function_response?.name === 'render_preview' && p.function_response?.response?.status === 'completed');

if (!process.env.DATABASE_URL) test('the ledger invariant on PostgreSQL', { skip: PG_SKIP }, () => undefined);

for (const db of DATABASES) {
  describe(`the ledger invariant under 50 concurrent turns on one token (${db})`, () => {
    let srv: TestServer;
    const tmp = tempDir();
    before(async () => { srv = await testServer(db, { startCredits: START, turnCost: COST, previewSize: '360p' }); });
    after(async () => { await srv?.stop(); tmp.remove(); });

    test('every balance read adds up; exactly 20 renders charged; the ledger agrees', async (t) => {
      const a = await setup(srv.url);
      const photo = readFileSync(await texturedJpeg(tmp.path('small.jpg'), 320, 240, 3));
      const sessions = [a.sessionId];
      for (let s = 1; s < SESSIONS; s++) {
        const r = await a.call<{ session_id: string }>('POST', '/api/tasks/me/with-session/nemo_agent', { task_name: `ledger ${s}` });
        assert.equal(r.json.code, 0, JSON.stringify(r.json));
        sessions.push(r.json.data.session_id);
      }
      for (const sid of sessions) {
        const up = await uploadFile({ ...a, sessionId: sid }, 'small.jpg', photo, 'image/jpeg');
        assert.equal(up.json.code, 0, JSON.stringify(up.json));
      }
      const start = await a.call<Balance>('GET', '/api/credits/balance/simple');
      assert.deepEqual(start.json.data, { available: START, frozen: 0, total: START });

      // 50 turns at once: in each session 5 different messages (a repeated one would join the running turn).
      const turns = sessions.flatMap((sid, s) => MOVES.map((move, i) => {
        const k = 1 + ((s + i) % 2);
        const message = `animate this photo into a ${k}-second video with a ${move}`;
        return runSse(a, message, sid).then((r) => ({ sid, message, ...r }));
      }));
      let finished = false;
      const all = Promise.all(turns).finally(() => { finished = true; });

      // While they run: every read adds up and nothing is negative.
      const reads: Balance[] = [];
      const dbReads: Balance[] = [];
      while (!finished) {
        const [r, row] = await Promise.all([
          a.call<Balance>('GET', '/api/credits/balance/simple'),
          srv.store.sql.query<Balance>('select available, frozen, total from accounts'),
        ]);
        assert.equal(r.status, 200);
        reads.push(r.json.data);
        dbReads.push(...row);
        await sleep(20);
      }
      for (const b of [...reads, ...dbReads]) {
        assert.equal(b.available + b.frozen, b.total, `available + frozen = total in ${JSON.stringify(b)}`);
        assert.ok(b.available >= 0 && b.frozen >= 0 && b.total >= 0, `nothing negative in ${JSON.stringify(b)}`);
        assert.ok(b.total <= START && b.total >= START - 20 * COST, `total within its bounds in ${JSON.stringify(b)}`);
      }
      assert.ok(reads.length >= 5, `the balance was read while turns ran (${reads.length} reads)`);
      assert.ok(reads.some((b) => b.frozen > 0), 'some read saw credits reserved by running renders');
      for (let i = 1; i < reads.length; i++) assert.ok(reads[i]!.total <= reads[i - 1]!.total, 'the total only goes down (charges, never refunds of charges)');

      const results = await all;
      let renders = 0, refusedJson = 0, refusedStream = 0;
      const other: string[] = [];
      for (const r of results) {
        if (r.error) {
          const e = r.error as { code?: number; data?: { bind_url?: string } };
          if (r.status === 402 && e.code === 2001 && typeof e.data?.bind_url === 'string' && e.data.bind_url.length > 0) refusedJson++;
          else other.push(`${r.message}: HTTP ${r.status} ${JSON.stringify(r.error)}`);
          continue;
        }
        assert.equal(r.status, 200);
        const last = r.events.filter((e) => e.json).at(-1)?.json;
        assert.equal(last?.turn_complete, true, `${r.message}: the stream ends with turn_complete`);
        if (rendered(r.events)) {
          renders++;
          assert.equal(last?.error_code, undefined, `${r.message}: a rendered turn carries no error`);
        } else if (r.events.some((e) => e.json?.error_code === '2001')) {
          refusedStream++;
          assert.ok(!parts(r.events).some((p) => p.function_call?.name === 'render_preview'), `${r.message}: a refused turn starts no render`);
          assert.match(r.text, /\/workspace\?bind=/, `${r.message}: the refusal carries the bind link`);
        } else {
          other.push(`${r.message}: ${r.events.map((e) => e.data).join(' | ').slice(0, 600)}`);
        }
      }
      assert.deepEqual(other, [], 'every turn either rendered or was refused for credits');
      assert.equal(renders, START / COST, `exactly ${START / COST} renders (${refusedJson} refused as JSON 402, ${refusedStream} in the stream)`);
      assert.equal(renders + refusedJson + refusedStream, SESSIONS * PER_SESSION);

      t.diagnostic(`${renders} rendered, ${refusedJson} refused as JSON 402, ${refusedStream} refused in the stream; ${reads.length} balance reads while they ran`);

      const end = await a.call<Balance>('GET', '/api/credits/balance/simple');
      assert.deepEqual(end.json.data, { available: START - COST * renders, frozen: 0, total: START - COST * renders });

      // Out of credits now: a further render is refused before any stream opens, with the bind link.
      const more = await runSse(a, 'animate this photo into a 2-second video with a slow pan up', sessions[0]);
      assert.equal(more.status, 402, JSON.stringify(more));
      const err = more.error as { code: number; data: { bind_url?: string; hint?: string } };
      assert.equal(err.code, 2001);
      assert.match(String(err.data.bind_url), /^http:\/\/127\.0\.0\.1:\d+\/workspace\?bind=/);
      assert.deepEqual((await a.call<Balance>('GET', '/api/credits/balance/simple')).json.data, end.json.data, 'a refusal changes nothing');
      // A question still gets its answer without credits.
      const q = await runSse(a, 'how many credits do I have?', sessions[0]);
      assert.equal(q.status, 200, JSON.stringify(q.error));
      assert.ok(!q.events.some((e) => e.json?.error_code), 'a question is not refused');

      // The ledger table agrees with the balance.
      const me = await srv.store.authenticate(a.token);
      assert.ok(me);
      const sums = Object.fromEntries((await srv.store.sql.query<{ kind: string; n: number; s: number }>(
        'select kind, count(*)::int as n, coalesce(sum(amount), 0)::int as s from ledger where user_id = $1 group by kind', [me.userId])).map((r) => [r.kind, r]));
      const sum = (k: string) => sums[k]?.s ?? 0;
      assert.equal(sum('grant') - sum('charge'), end.json.data.total, `grant − charge = total (${JSON.stringify(sums)})`);
      assert.equal(sums.charge?.n, renders, 'one charge per render');
      assert.equal(sum('charge'), COST * renders);
      assert.equal(sum('reserve'), sum('charge') + sum('release'), 'every reservation was charged or released');
      assert.equal(sum('grant') - sum('reserve') + sum('release'), end.json.data.available, 'grant − reserve + release = available');
      const holds = await srv.store.sql.query<{ status: string; n: number }>('select status, count(*)::int as n from holds where user_id = $1 group by status', [me.userId]);
      const held = Object.fromEntries(holds.map((h) => [h.status, h.n]));
      assert.equal(held.held ?? 0, 0, 'no hold stays open');
      assert.equal(held.charged, renders, 'one charged hold per render');
      const costly = await srv.store.sql.query<{ n: number; s: number }>(
        "select count(*)::int as n, coalesce(sum(t.cost), 0)::int as s from turns t join sessions s on s.id = t.session_id where s.user_id = $1 and t.cost > 0 and t.status = 'completed'", [me.userId]);
      assert.deepEqual(costly[0], { n: renders, s: COST * renders }, 'the turns table records the same charges');
      // A refused turn changes no draft: each session has one version per render after the first.
      for (const sid of sessions) {
        const versions = await srv.store.sql.query<{ n: number }>('select count(*)::int as n from draft_history where session_id = $1', [sid]);
        assert.equal(versions[0]!.n, 1 + results.filter((r) => r.sid === sid && !r.error && rendered(r.events)).length, `draft versions of ${sid}`);
      }
      const running = await srv.store.sql.query<{ n: number }>("select count(*)::int as n from turns where status = 'running'");
      assert.equal(running[0]!.n, 0, 'no turn is left running');
    });
  });
}

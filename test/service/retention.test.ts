/**
 * Retention (issue 11, finding 8), on the embedded database and on PostgreSQL when DATABASE_URL is
 * set: the sweeper deletes previews beyond the newest K per session and past their days, finished
 * exports past theirs, idle sessions with all they hold, files no row names, and old or surplus
 * request log rows; rows and files go together, and a running render's session, row and file are
 * never touched. Refused requests are one log row a minute per address, not one each. The state's
 * generated_media is bounded. A per-user storage quota answers 4012 on upload, export and chat.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tempDir, texturedJpeg } from '../support/fixtures.js';
import { DATABASES, PG_SKIP, api, runSse, setup, sleep, testServer, until, uploadFile, waitExport, type Api, type TestServer } from './support.js';

const DAY = 24 * 3600 * 1000;
const tmp = tempDir();
let photo: Buffer;
before(async () => { photo = readFileSync(await texturedJpeg(tmp.path('p.jpg'), 640, 480, 6)); });
after(() => tmp.remove());

type Session = Api & { sessionId: string };
const count = async (srv: TestServer, sql: string, args: unknown[] = []): Promise<number> => (await srv.store.sql.query<{ n: number }>(sql, args))[0]!.n;
const filesIn = (srv: TestServer, area: string) => readdirSync(join(srv.dir, area));
const draftOf = (media: string, d: number, size = '360p') => ({ version: 1, aspect: '16:9', size, fps: 24, bg: '#000000', t: [{ tt: 0, sg: [{ id: 's', s: 0, d, m: { media_id: media, kind: 'image', move: 'zoom-in' } }] }] });
const submit = (a: Session, draft: unknown) => a.call<{ id: string }>('POST', '/api/render/proxy/lambda', { sessionId: a.sessionId, draft, output: { format: 'mp4', quality: 'low' } });
const generatedMedia = async (a: Session) => (await a.call<{ state: { generated_media: Array<{ id: string; url: string }> } }>('GET', `/api/state/nemo_agent/me/${a.sessionId}/latest`)).json.data.state.generated_media;

if (!process.env.DATABASE_URL) test('retention on PostgreSQL', { skip: PG_SKIP }, () => undefined);

for (const db of DATABASES) {
  describe(`retention and the sweeper (${db})`, { timeout: 300_000 }, () => {
    let srv: TestServer;
    before(async () => {
      srv = await testServer(db, {
        keepPreviewsPerSession: 2, keepPreviewsDays: 10, keepExportsDays: 5, idleSessionDays: 30, requestLogDays: 7, requestLogMaxRows: 1000, sweepIntervalS: 0,
      });
    });
    after(async () => { await srv?.stop(); });

    let a: Session;
    let media: string;

    test('previews beyond the newest K of a session go, files with rows; the state lists K at most', async () => {
      a = await setup(srv.url);
      const up = await uploadFile(a, 'p.jpg', photo, 'image/jpeg');
      media = up.json.data.files[0]!.media_id;
      for (const text of ['animate this photo into a 2-second video', 'make it 3 seconds', 'make it 2 seconds']) {
        const t = await runSse(a, text);
        assert.match(t.text, /preview is ready/, t.text);
      }
      const rows = await srv.store.sql.query<{ file: string }>('select file from generated where session_id = $1 order by created_at', [a.sessionId]);
      assert.equal(rows.length, 3);
      const shown = await generatedMedia(a);
      assert.equal(shown.length, 2, 'the state lists the newest K only, even before a sweep');
      assert.ok(rows.every((r) => existsSync(join(srv.dir, 'generated', r.file))));

      const r = await srv.sweeper.sweep();
      assert.equal(r.previews, 1);
      assert.equal(r.sessions, 0);
      assert.equal(existsSync(join(srv.dir, 'generated', rows[0]!.file)), false, 'the oldest preview\'s file went with its row');
      assert.ok(rows.slice(1).every((x) => existsSync(join(srv.dir, 'generated', x.file))));
      assert.equal(await count(srv, 'select count(*)::int as n from generated where session_id = $1', [a.sessionId]), 2);
      assert.deepEqual((await generatedMedia(a)).map((g) => g.id), shown.map((g) => g.id));
      for (const g of shown) assert.equal((await fetch(g.url)).status, 200);
      // Past keepPreviewsDays, all but the session's newest go.
      const later = await srv.sweeper.sweep(Date.now() + 11 * DAY);
      assert.equal(later.previews, 1);
      assert.equal((await generatedMedia(a)).length, 1);
      assert.equal(filesIn(srv, 'generated').filter((f) => !f.startsWith('.')).length, 1);
    });

    test('finished exports past keepExportsDays go (row and file); younger ones stay', async () => {
      const sub = await submit(a, draftOf(media, 500));
      assert.equal(sub.json.code, 0, JSON.stringify(sub.json));
      assert.equal((await waitExport(a, sub.json.data.id)).status, 'completed');
      const file = (await srv.store.sql.query<{ output: string }>("select output from jobs where kind = 'export' and session_id = $1", [a.sessionId]))[0]!.output;
      const out = JSON.parse(file) as { file: string };
      assert.ok(existsSync(join(srv.dir, 'renders', out.file)));
      assert.equal((await srv.sweeper.sweep(Date.now() + 4 * DAY)).exports, 0);
      assert.equal((await a.call('GET', `/api/render/proxy/lambda/${sub.json.data.id}`)).json.status, 'completed');
      assert.equal((await srv.sweeper.sweep(Date.now() + 6 * DAY)).exports, 1);
      assert.equal(existsSync(join(srv.dir, 'renders', out.file)), false);
      assert.equal((await a.call('GET', `/api/render/proxy/lambda/${sub.json.data.id}`)).json.code, 4009);
    });

    test('idle sessions go with everything they hold; a session whose render is running keeps its row, job and file', async () => {
      const b = await setup(srv.url);
      const upB = await uploadFile(b, 'p.jpg', photo, 'image/jpeg');
      const mediaB = upB.json.data.files[0]!.media_id;
      const long = await submit(b, draftOf(mediaB, 120_000, '720p'));
      assert.equal(long.json.code, 0, JSON.stringify(long.json));
      const partials = () => filesIn(srv, 'renders').filter((f) => f.startsWith('.'));
      for (let i = 0; ; i++) {
        const st = await b.call('GET', `/api/render/proxy/lambda/${long.json.data.id}`);
        if (st.json.status === 'processing' && partials().length === 1) break;
        assert.ok(i < 600, `the long export started writing its file: ${JSON.stringify(st.json)} ${partials().join(',')}`);
        await sleep(100);
      }
      const mediaA = await srv.store.sql.query<{ file: string; thumb: string }>('select file, thumb from media where session_id = $1', [a.sessionId]);
      const genA = await srv.store.sql.query<{ file: string }>('select file from generated where session_id = $1', [a.sessionId]);

      const r = await srv.sweeper.sweep(Date.now() + 400 * DAY);
      assert.equal(r.sessions, 1, JSON.stringify(r));
      for (const [table, col] of [['media', 'session_id'], ['generated', 'session_id'], ['jobs', 'session_id'], ['turns', 'session_id'], ['draft_history', 'session_id'], ['claims', 'session_id'], ['sessions', 'id']] as const) {
        assert.equal(await count(srv, `select count(*)::int as n from ${table} where ${col} = $1`, [a.sessionId]), 0, `${table} of the idle session`);
      }
      for (const m of mediaA) {
        assert.equal(existsSync(join(srv.dir, 'media', m.file)), false);
        assert.equal(existsSync(join(srv.dir, 'thumbs', m.thumb)), false);
      }
      for (const g of genA) assert.equal(existsSync(join(srv.dir, 'generated', g.file)), false);
      assert.equal((await a.call('GET', `/api/state/nemo_agent/me/${a.sessionId}/latest`)).json.code, 1002);
      assert.equal((await a.call('GET', '/api/credits/balance/simple')).json.code, 0, 'the user and credits stay');

      // The running export: its session, media, row and file are all there, and it still runs.
      assert.equal((await b.call('GET', `/api/state/nemo_agent/me/${b.sessionId}/latest`)).json.code, 0);
      assert.equal((await b.call('GET', `/api/render/proxy/lambda/${long.json.data.id}`)).json.status, 'processing');
      assert.equal(partials().length, 1, 'its file is still being written');
      const bMedia = await srv.store.sql.query<{ file: string }>('select file from media where session_id = $1', [b.sessionId]);
      assert.ok(existsSync(join(srv.dir, 'media', bMedia[0]!.file)));
      assert.equal((await b.call('DELETE', `/api/render/proxy/lambda/${long.json.data.id}`)).json.code, 0);
      assert.equal((await waitExport(b, long.json.data.id)).status, 'failed');
    });

    test('files no row names go once an hour old; dot files (renders being written) never', async () => {
      const orphan = join(srv.dir, 'media', 'med_orphanfile0000.jpg');
      const partial = join(srv.dir, 'renders', '.out_inflight0000.mp4.partial');
      writeFileSync(orphan, photo);
      writeFileSync(partial, 'x');
      assert.equal((await srv.sweeper.sweep()).orphans, 0, 'a new file may be a row away from being named');
      assert.ok(existsSync(orphan));
      const old = (Date.now() - 2 * 3600 * 1000) / 1000;
      utimesSync(orphan, old, old);
      utimesSync(partial, old, old);
      const r = await srv.sweeper.sweep();
      assert.equal(r.orphans, 1);
      assert.equal(existsSync(orphan), false);
      assert.ok(existsSync(partial));
    });

    test('the request log: refusals are one row a minute per address; rows past requestLogDays and beyond requestLogMaxRows go', async () => {
      const before = await count(srv, "select count(*)::int as n from requests where status = 401");
      const stranger = api(srv.url, 'nmt_' + 'z'.repeat(43));
      for (let i = 0; i < 30; i++) assert.equal((await stranger.call('GET', '/api/credits/balance/simple')).status, 401);
      // The request log is written in batches, once a second (later on a loaded machine).
      const added = await until('the refusals in the request log', async () => (await count(srv, "select count(*)::int as n from requests where status = 401")) - before, 30_000);
      assert.ok(added >= 1 && added <= 2, `30 refusals made ${added} rows (one a minute; two if a minute turned)`);

      const now = Date.now();
      await srv.store.logRequests(Array.from({ length: 1500 }, (_, i) => ({
        at: i < 300 ? now - 8 * DAY : now, method: 'GET', route: '/healthz', status: 200, userId: null, ip: '127.0.0.1', skillSource: null, skillVersion: null, skillPlatform: null,
      })));
      const r = await srv.sweeper.sweep();
      assert.ok(r.requests >= 500, JSON.stringify(r));
      assert.equal(await count(srv, 'select count(*)::int as n from requests where at < $1', [now - 7 * DAY]), 0);
      assert.ok(await count(srv, 'select count(*)::int as n from requests') <= 1000);
    });
  });

  describe(`the per-user storage quota (${db})`, { timeout: 300_000 }, () => {
    let srv: TestServer;
    before(async () => { srv = await testServer(db, { userStorageQuotaBytes: 1024 * 1024, sweepIntervalS: 0 }); });
    after(async () => { await srv?.stop(); });

    test('uploads stop at the quota with 4012 naming the setting (what was saved stays); export and chat are refused too; another user is not', async () => {
      const a = await setup(srv.url);
      let refused: Awaited<ReturnType<typeof uploadFile>> | null = null;
      let saved = 0;
      for (let i = 0; i < 40 && !refused; i++) {
        const r = await uploadFile(a, `p${i}.jpg`, photo, 'image/jpeg');
        if (r.json.code === 0) saved++;
        else refused = r;
      }
      assert.ok(refused, 'the quota was reached');
      assert.equal(refused.status, 413);
      assert.equal(refused.json.code, 4012, JSON.stringify(refused.json));
      const data = refused.json.data as unknown as { setting: string; limit_bytes: number; used_bytes: number; hint: string; files: unknown[] };
      assert.equal(data.setting, 'userStorageQuotaBytes');
      assert.equal(data.limit_bytes, 1024 * 1024);
      assert.match(data.hint, /STILLMOTION_USER_STORAGE_QUOTA_BYTES/);
      const used = await srv.store.storageUsed((await srv.store.authenticate(a.token))!.userId);
      assert.ok(used <= 1024 * 1024, `stored ${used} bytes`);
      assert.equal(saved, Math.floor((1024 * 1024) / photo.length));
      assert.equal(await count(srv, 'select count(*)::int as n from media where session_id = $1', [a.sessionId]), saved);
      assert.equal(filesIn(srv, 'tmp').length, 0, 'the refused upload left no temporary file');

      // Now at the edge: one more photo is refused before a byte is kept; so are an export and a turn.
      const again = await uploadFile(a, 'more.jpg', photo, 'image/jpeg');
      assert.equal(again.json.code, 4012);
      const media = (await srv.store.sql.query<{ id: string }>('select id from media where session_id = $1 limit 1', [a.sessionId]))[0]!.id;
      await srv.store.sql.query("update media set size_bytes = size_bytes + $2 where id = $1", [media, 1024 * 1024]); // as if a large clip
      const exp = await submit(a as Session, draftOf(media, 500));
      assert.equal(exp.json.code, 4012, JSON.stringify(exp.json));
      const turn = await runSse(a, 'animate this photo into a 2-second video');
      assert.equal(turn.status, 413);
      assert.equal(turn.error?.code, 4012);
      assert.deepEqual((await a.call('GET', '/api/credits/balance/simple')).json.data, { available: 100, frozen: 0, total: 100 }, 'nothing reserved or charged');

      const b = await setup(srv.url);
      assert.equal((await uploadFile(b, 'p.jpg', photo, 'image/jpeg')).json.code, 0, 'the quota is per user');
    });
  });
}

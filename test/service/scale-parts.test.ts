/**
 * The parts of the scaled-out deployment, one at a time: settings that cannot work together are
 * refused with a coded error; the media folder's signing key is shared; half-written files are
 * swept by age on a shared folder; recovery by leases fails only a dead process's turns and
 * releases only their holds (PostgreSQL); rate limits are one budget across connections (Redis).
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, existsSync, utimesSync, writeFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { isStillmotionError } from '../../src/errors.js';
import { openMediaStorage, renderFileName, sweepEarlierAttempts, sweepHalfWritten } from '../../src/media-storage/index.js';
import { startServer } from '../../src/service/index.js';
import { renewLease, sweepDeadOwners } from '../../src/service/leases.js';
import { loadSettings } from '../../src/service/settings.js';
import { RedisRateLimiter } from '../../src/service/shared-limits.js';
import { openSql } from '../../src/store/open.js';
import { Store } from '../../src/store/store.js';
import { startWorker } from '../../src/worker/index.js';
import { tempDir } from '../support/fixtures.js';
import { PG_SKIP, pgSchemaUrl } from './support.js';

const coded = (name: string, setting?: string) => (e: unknown) => {
  assert.ok(isStillmotionError(e), String(e));
  assert.equal(e.kind, name);
  if (setting) assert.equal(e.details.setting, setting);
  return true;
};

describe('scale-out settings', () => {
  const tmp = tempDir('stillmotion-scale-parts-');
  after(() => tmp.remove());

  test('REDIS_URL without DATABASE_URL is refused: the embedded database belongs to one process', async () => {
    await assert.rejects(startServer({ port: 0, host: '127.0.0.1', dataDir: tmp.path('a'), quiet: true, env: { REDIS_URL: 'redis://127.0.0.1:1' } }), coded('INVALID_OPTION', 'databaseUrl'));
  });

  test('a worker without REDIS_URL is refused, naming the setting', async () => {
    await assert.rejects(startWorker({ env: { DATABASE_URL: 'postgres://x@127.0.0.1:1/x' }, quiet: true }), coded('INVALID_OPTION', 'redisUrl'));
  });

  test('REDIS_URL must be a redis URL; the prefix a plain name', () => {
    assert.throws(() => loadSettings({ REDIS_URL: 'http://127.0.0.1:6379' }), coded('INVALID_OPTION', 'redisUrl'));
    assert.throws(() => loadSettings({ STILLMOTION_REDIS_PREFIX: 'a b' }), coded('INVALID_OPTION', 'redisPrefix'));
    const s = loadSettings({ REDIS_URL: 'redis://h:6379', STILLMOTION_MEDIA_DIR: '/mnt/media', STILLMOTION_JOB_LOCK_MS: '5000' });
    assert.deepEqual([s.redisUrl, s.mediaDir, s.jobLockMs], ['redis://h:6379', '/mnt/media', 5000]);
  });

  test('every process on one media folder gets the same signing key', () => {
    const a = openMediaStorage({ mediaDir: tmp.path('media'), dataDir: tmp.path('data-a') });
    const b = openMediaStorage({ mediaDir: tmp.path('media'), dataDir: tmp.path('data-b') });
    assert.equal(a.secret.length, 32);
    assert.deepEqual(a.secret, b.secret);
    assert.equal(a.kind, 'shared-folder');
    const link = new URL(a.link('generated', 'prv_abcdefgh.mp4', 60), 'http://x');
    assert.ok(b.verify('generated', 'prv_abcdefgh.mp4', link.searchParams.get('exp'), link.searchParams.get('sig')), 'a link one process signs, another accepts');
  });

  test('on a shared folder only half-written files older than any live render are swept', () => {
    const root = tmp.path('sweep');
    for (const d of ['generated', 'renders', 'tmp']) mkdirSync(`${root}/${d}`, { recursive: true });
    const old = `${root}/renders/.out_old.mp4.partial`, live = `${root}/renders/.out_live.mp4.partial`, done = `${root}/renders/out_done.mp4`, upload = `${root}/tmp/up.part`;
    for (const f of [old, live, done, upload]) writeFileSync(f, 'x');
    const past = new Date(Date.now() - 3600_000);
    utimesSync(old, past, past);
    assert.equal(sweepHalfWritten(root, 600_000), 1);
    assert.deepEqual([old, live, done, upload].map((f) => existsSync(f)), [false, true, true, true]);
    assert.equal(sweepHalfWritten(root, 0), 2, 'alone (one process), every leftover goes');
    assert.ok(existsSync(done), 'a finished file is never swept');
  });

  test('a new attempt of a job removes what an earlier attempt left half-written, and only that', () => {
    const root = tmp.path('attempts');
    mkdirSync(`${root}/renders`, { recursive: true });
    const first = renderFileName('out', 'render_x:1', 'AAAA_b-c', 'mp4');
    const other = renderFileName('out', 'render_y:1', 'DDDD', 'mp4');
    assert.match(first, /^out_[0-9a-f]{12}_AAAA_b-c\.mp4$/);
    const files = [`.${first}.partial`, `.${other}.partial`, first.replace('AAAA_b-c', 'done')].map((f) => `${root}/renders/${f}`);
    for (const f of files) writeFileSync(f, 'x');
    assert.equal(sweepEarlierAttempts(root, 'renders', renderFileName('out', 'render_x:1', 'EEEE', 'mp4')), 1);
    assert.deepEqual(files.map((f) => existsSync(f)), [false, true, true], 'another job\'s partial and a finished file stay');
  });
});

describe('recovery by leases (PostgreSQL)', { skip: PG_SKIP }, () => {
  test('a sweep fails only the turns of a process whose lease ran out, and releases only their holds', async () => {
    const pgs = await pgSchemaUrl();
    const sql = await openSql({ databaseUrl: pgs.url, dataDir: '/nonexistent' });
    try {
      const secret = randomBytes(32);
      const live = await Store.open(sql, secret, { cache: false, owner: 'live' });
      const dead = await Store.open(sql, secret, { cache: false, owner: 'dead' });
      await renewLease(sql, 'live', 60_000);
      await renewLease(sql, 'dead', 1_000, Date.now() - 10_000); // ran out 9 s ago
      const t = await live.issueAnonymousToken({ clientId: randomUUID(), ip: '127.0.0.1', ttlMs: 3600_000, startCredits: 100, scopes: ['read'], perIpPerWeek: 100 });
      const user = (await live.authenticate(t.token))!.userId;
      const { sessionId } = await live.createSession(user, 'leases', null, '{}', '{}');
      const mine = await live.startTurn(sessionId, 'a');
      const theirs = await dead.startTurn(sessionId, 'b');
      await live.reserve(user, 5, mine);
      await dead.reserve(user, 5, theirs);
      assert.deepEqual(await live.balance(user), { available: 90, frozen: 10, total: 100 });

      const r = await sweepDeadOwners(live, '{"code":5003}', 'stopped');
      assert.deepEqual(r, { failedTurns: 1, releasedHolds: 1 });
      const status = async (id: string) => (await sql.query<{ status: string }>('select status from turns where id = $1', [id]))[0]!.status;
      assert.equal(await status(mine), 'running', 'the live process keeps its turn');
      assert.equal(await status(theirs), 'failed');
      assert.deepEqual(await live.balance(user), { available: 95, frozen: 5, total: 100 }, 'only the dead turn\'s hold is released');
      assert.deepEqual(await sweepDeadOwners(live, '{}', 'x'), { failedTurns: 0, releasedHolds: 0 }, 'a second sweep finds nothing');
    } finally {
      await sql.close();
      await pgs.drop();
    }
  });
});

describe('no stale reads across processes (PostgreSQL)', { skip: PG_SKIP }, () => {
  test('what one process writes, another reads at once (the store\'s cache is off when distributed); a cached store would not', async () => {
    const pgs = await pgSchemaUrl();
    const sql = await openSql({ databaseUrl: pgs.url, dataDir: '/nonexistent' });
    try {
      const secret = randomBytes(32);
      const [a, b, cached] = [await Store.open(sql, secret, { cache: false, owner: 'a' }), await Store.open(sql, secret, { cache: false, owner: 'b' }), await Store.open(sql, secret)];
      const t = await a.issueAnonymousToken({ clientId: randomUUID(), ip: '127.0.0.1', ttlMs: 3600_000, startCredits: 100, scopes: ['read'], perIpPerWeek: 100 });
      const p = (await a.authenticate(t.token))!;
      const { sessionId } = await a.createSession(p.userId, 'stale', null, '{}', '{}');
      const reads = (st: Store) => Promise.all([st.balance(p.userId), st.sessionOf(p, sessionId), st.lastTurn(sessionId), st.mediaOf(sessionId), st.generatedOf(sessionId), st.clipsOf(sessionId)]);
      await reads(b);
      await reads(cached);
      const turn = await a.startTurn(sessionId, 'make it 6 seconds');
      await a.reserve(p.userId, 5, turn);
      await a.saveDraft(sessionId, '{"v":2}', '{}', 'edit');
      const [bal, ses, last] = await reads(b);
      assert.deepEqual(bal, { available: 95, frozen: 5, total: 100 });
      assert.equal(ses.draft_version, 2);
      assert.equal(last?.id, turn);
      const [staleBal] = await reads(cached);
      assert.deepEqual(staleBal, { available: 100, frozen: 0, total: 100 }, 'the one-process cache keeps its read (why it is off when distributed)');
    } finally {
      await sql.close();
      await pgs.drop();
    }
  });
});

describe('one turn at a time per session, across processes (PostgreSQL)', { skip: PG_SKIP }, () => {
  test('simultaneous claims from two processes start one turn; the others see it running; a dead process\'s turn with a resume record is adopted once', async () => {
    const pgs = await pgSchemaUrl();
    const sql = await openSql({ databaseUrl: pgs.url, dataDir: '/nonexistent' });
    try {
      const secret = randomBytes(32);
      const [a, b] = [await Store.open(sql, secret, { cache: false, owner: 'a' }), await Store.open(sql, secret, { cache: false, owner: 'b' })];
      await renewLease(sql, 'a', 60_000);
      await renewLease(sql, 'b', 60_000);
      const t = await a.issueAnonymousToken({ clientId: randomUUID(), ip: '127.0.0.1', ttlMs: 3600_000, startCredits: 100, scopes: ['read'], perIpPerWeek: 100 });
      const user = (await a.authenticate(t.token))!.userId;
      const { sessionId } = await a.createSession(user, 'claims', null, '{}', '{}');
      const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).claimTurn(sessionId, i < 5 ? 'make it 6 seconds' : 'make it 9 seconds')));
      const started = claims.flatMap((c) => ('started' in c ? [c.started] : []));
      assert.equal(started.length, 1, JSON.stringify(claims));
      assert.ok(claims.every((c) => 'started' in c || c.running.id === started[0]), 'every other claim names the running turn');
      assert.ok('running' in (await b.claimTurn(sessionId, 'x')));
      await a.finishTurn(started[0]!, 'completed', 'done', null, 0);
      assert.ok('started' in (await b.claimTurn(sessionId, 'x')), 'the session is free once the turn ended');

      // b dies while its turn renders; both a and a third process sweep at once: one adopts it.
      const running = (await sql.query<{ id: string }>("select id from turns where status = 'running'"))[0]!.id;
      await b.turns.setResume(running, '{"hold":null,"cost":0,"planned":1,"renders":[],"reply":{}}');
      await renewLease(sql, 'b', 1_000, Date.now() - 10_000);
      const c = await Store.open(sql, secret, { cache: false, owner: 'c' });
      await renewLease(sql, 'c', 60_000);
      const got: string[] = [];
      const [ra, rc] = await Promise.all([sweepDeadOwners(a, '{}', 'x', Date.now(), (x) => got.push(`a:${x.id}`)), sweepDeadOwners(c, '{}', 'x', Date.now(), (x) => got.push(`c:${x.id}`))]);
      assert.equal(got.length, 1, `adopted once: ${got.join(', ')}`);
      assert.ok(got[0]!.endsWith(running));
      assert.equal((ra.adoptedTurns ?? 0) + (rc.adoptedTurns ?? 0), 1);
      assert.equal(ra.failedTurns + rc.failedTurns, 0, 'an adopted turn is not failed');
      assert.equal((await sql.query<{ status: string }>('select status from turns where id = $1', [running]))[0]!.status, 'running');
    } finally {
      await sql.close();
      await pgs.drop();
    }
  });
});

describe('rate limits in Redis', { skip: process.env.REDIS_URL ? false : 'REDIS_URL is not set: skipped (CI sets it)' }, () => {
  test('two processes\' limiters count one budget, and say how long to wait', async () => {
    const prefix = `smtest_${randomBytes(5).toString('hex')}`;
    const [r1, r2] = [new Redis(process.env.REDIS_URL!), new Redis(process.env.REDIS_URL!)];
    try {
      const a = new RedisRateLimiter(r1, prefix, 3), b = new RedisRateLimiter(r2, prefix, 3);
      await Promise.all([a.hit('tok:x'), b.hit('tok:x'), a.hit('tok:x')]);
      await assert.rejects(b.hit('tok:x'), (e: unknown) => {
        assert.ok(isStillmotionError(e) && e.kind === 'RATE_LIMITED');
        const s = e.details.retry_after_s as number;
        assert.ok(s >= 1 && s <= 60, String(s));
        return true;
      });
      await b.hit('tok:y');
      const keys = await r1.keys(`${prefix}:*`);
      assert.equal(keys.length, 2);
      assert.ok(keys.every((k) => !k.includes('tok:')), 'keys hold hashes, not what they count');
      await r1.del(...keys);
    } finally {
      r1.disconnect();
      r2.disconnect();
    }
  });
});

/**
 * The server's log: one JSON line per failed request with its code and route pattern, never a
 * token, an id from the path or a query string; successful requests only when asked for.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { startServer } from '../../src/service/index.js';
import { tempDir } from '../support/fixtures.js';

const tmp = tempDir('stillmotion-log-');
after(() => tmp.remove());

const serve = async (name: string, settings: Record<string, unknown> = {}) => {
  const lines: string[] = [];
  const srv = await startServer({ port: 0, host: '127.0.0.1', dataDir: tmp.path(name), env: { PATH: process.env.PATH }, log: (l) => lines.push(l), settings: { tokensPerIpPerWeek: 1000, ...settings } });
  return { srv, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
};

describe('server log', () => {
  test('a failed request is one line with its code and route pattern, and no token or path id', async () => {
    const { srv, lines, parsed } = await serve('a');
    try {
      const token = `nmt_${'x'.repeat(43)}`;
      const r = await fetch(`${srv.url}/api/state/nemo_agent/usr_secretuser/sess_secretid/latest?ct=clm_secret`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(r.status, 401);
      const ok = await fetch(`${srv.url}/api/auth/anonymous-token`, { method: 'POST', headers: { 'x-client-id': randomUUID() } });
      assert.equal(ok.status, 200);
      const missing = await fetch(`${srv.url}/api/nothing-here`);
      assert.equal(missing.status, 404);
      await srv.close();
      const failed = parsed().filter((l) => l.msg === 'request failed');
      assert.equal(failed.length, 2, lines.join('\n'));
      const [auth, notFound] = failed;
      assert.equal(auth!.code, 1001);
      assert.equal(auth!.status, 401);
      assert.equal(auth!.level, 40);
      assert.equal(auth!.route, '/api/state/nemo_agent/:user/:sid/latest');
      assert.equal(notFound!.code, 404);
      assert.equal(notFound!.route, 'unmatched');
      const all = lines.join('\n');
      for (const secret of [token, 'usr_secretuser', 'sess_secretid', 'clm_secret']) assert.ok(!all.includes(secret), `${secret} is in the log`);
      assert.equal(parsed().filter((l) => l.status === 200).length, 0, 'successes are not logged by default');
    } finally {
      await srv.close();
    }
  });

  test('logRequests logs successes too; logLevel error keeps only errors; a bad level is refused', async () => {
    const a = await serve('b', { logRequests: true });
    await fetch(`${a.srv.url}/api/auth/anonymous-token`, { method: 'POST', headers: { 'x-client-id': randomUUID() } });
    await a.srv.close();
    assert.ok(a.parsed().some((l) => l.msg === 'request' && l.status === 200 && l.route === '/api/auth/anonymous-token'), a.lines.join('\n'));

    const b = await serve('c', { logLevel: 'error' });
    await fetch(`${b.srv.url}/api/nothing-here`);
    await b.srv.close();
    assert.deepEqual(b.lines, []);

    await assert.rejects(serve('d', { logLevel: 'loud' }), /logLevel: must be one of debug, info, warn, error, silent/);
  });
});

/**
 * Typed jobs: a job's spec, output and error are read back from the store as checked values, and a
 * preview that runs out of time or is cancelled keeps its real code (5004, 5003) from the queue
 * through the turn's events and the stored turn, never flattened into "encoder failed".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERRORS } from '../../src/errors.js';
import { decodeJobError, decodeJobOutput, decodeJobSpec, encodeJobValue, errorOfJob } from '../../src/jobs/job.js';
import { texturedJpeg, tempDir } from '../support/fixtures.js';
import { api, runSse, setup, testServer, uploadFile, waitExport } from '../service/support.js';

test('spec, output and error are decoded and checked once; what an older version wrote is recognised', () => {
  const plan = { version: 1, width: 640, height: 360, fps: 30, frames: 30, background: '#000000', shots: [], texts: [], audio: [], output: { format: 'mp4', quality: 'high', preset: 'veryfast', loudnorm: false } };
  assert.deepEqual(decodeJobSpec(encodeJobValue({ plan } as never))?.plan, plan);
  assert.equal(decodeJobSpec(JSON.stringify({ draft: { t: [] }, format: 'mp4', quality: 'high' })), null, 'a queued draft from before plans');
  assert.equal(decodeJobSpec('{not json'), null);
  const out = { area: 'renders', file: 'out_x.mp4', format: 'mp4', width: 640, height: 360, duration_ms: 1000, size_bytes: 1234 } as const;
  assert.deepEqual(decodeJobOutput(encodeJobValue(out)), out);
  assert.equal(decodeJobOutput(JSON.stringify({ ...out, width: 'wide' })), null);
  assert.deepEqual(decodeJobError(JSON.stringify({ code: 5004, message: 'slow' })), { code: 5004, message: 'slow' });
  assert.equal(decodeJobError('garbage')?.code, 5000);
  assert.equal(decodeJobError(null), null);
  const t = errorOfJob({ code: 5004, message: 'the render took longer than 1 s' });
  assert.deepEqual([t.kind, t.code, t.hint], ['TIMEOUT', 5004, ERRORS.TIMEOUT.hint]);
  assert.equal(errorOfJob({ code: 5003, message: 'x' }).kind, 'CANCELLED');
  assert.equal(errorOfJob({ code: 987654, message: 'x' }).kind, 'INTERNAL');
});

const turnOf = async (srv: { url: string; store: { sql: { query: <T>(q: string, p: unknown[]) => Promise<T[]> } } }, sentence: string, photo: string) => {
  const a = await setup(srv.url);
  await uploadFile(a, 'p.jpg', readFileSync(photo), 'image/jpeg');
  const r = await runSse(a, sentence);
  const last = r.events.filter((e) => e.json).at(-1)!.json!;
  const turn = (await srv.store.sql.query<{ error: string }>('select error from turns where session_id = $1', [a.sessionId]))[0]!;
  const job = (await srv.store.sql.query<{ id: string }>("select id from jobs where session_id = $1 and kind = 'preview'", [a.sessionId]))[0]!;
  return { last, turn: JSON.parse(turn.error) as { code: number }, jobId: job.id, text: r.text };
};

test('a preview that runs out of time is 5004 and a cancelled export 5003, end to end', { timeout: 300_000 }, async () => {
  const tmp = tempDir();
  const photo = await texturedJpeg(tmp.path('p.jpg'), 1600, 900, 4);
  // The turn's own time limit: the agent stops the render as timed out, not as cancelled.
  const a = await testServer('embedded', { turnCost: 0, turnTimeoutMs: 150 });
  try {
    const t = await turnOf(a, 'a 20-second slow zoom', photo);
    assert.equal(t.last.error_code, '5004', t.text);
    assert.match(String(t.last.error_message), /longer than/);
    assert.equal(t.turn.code, 5004, 'the stored turn keeps the code');
    const job = await a.store.job(t.jobId);
    assert.equal(job?.status, 'failed');
    assert.deepEqual(job?.error?.code, 5004, 'the job row, read back as a typed value');
    assert.ok(job?.spec?.plan.shots.length === 1, 'the job carries the plan it was to render');
    // An export cancelled while it renders answers 5003 in its status.
    const s = await setup(a.url);
    const up = await uploadFile(s, 'p.jpg', readFileSync(photo), 'image/jpeg');
    const draft = { t: [{ tt: 0, sg: [{ s: 0, d: 20000, m: { media_id: up.json.data.files[0]!.media_id } }] }] };
    const c = api(a.url, s.token);
    await c.call('POST', '/api/render/proxy/lambda', { id: 'r1', sessionId: s.sessionId, draft });
    await c.call('DELETE', '/api/render/proxy/lambda/r1');
    const done = await waitExport(c, 'r1');
    assert.equal(done.status, 'failed');
    assert.equal(((done.data as { error?: { code: number } }).error)?.code, 5003);
  } finally {
    await a.stop();
  }
  // The queue's own time limit.
  const b = await testServer('embedded', { turnCost: 0, jobTimeoutMs: 150 });
  try {
    const t = await turnOf(b, 'a 20-second slow zoom', photo);
    assert.equal(t.last.error_code, '5004', t.text);
    assert.equal(t.turn.code, 5004);
  } finally {
    await b.stop();
    tmp.remove();
  }
});

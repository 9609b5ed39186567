// `npm start` (scripts/start.js) runs the server in a process of its own with the allocator
// settings that give memory back after a spike (issue 11, finding 13), and stops it cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ALLOCATOR_ENV } from '../../src/service/allocator.js';
import { tempDir } from '../support/fixtures.js';

const script = fileURLToPath(new URL('../../../scripts/start.js', import.meta.url));

test('npm start: the server gets the allocator settings (those already set win), answers, and stops with SIGTERM, exit 0', { timeout: 120_000 }, async () => {
  const t = tempDir('stillmotion-start-');
  const parent = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', STILLMOTION_DATA_DIR: t.dir, MALLOC_ARENA_MAX: '3' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    const url = await new Promise<string>((res, rej) => {
      parent.stdout!.on('data', (d: Buffer) => { out += d.toString(); const m = /ready on (http:\/\/\S+)/.exec(out); if (m) res(m[1]!); });
      parent.on('exit', (c) => rej(new Error(`exited ${c}: ${out}`)));
    });
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    const children = `/proc/${parent.pid}/task/${parent.pid}/children`;
    if (existsSync(children)) {
      const pid = readFileSync(children, 'utf8').trim().split(/\s+/)[0]!;
      const env = Object.fromEntries(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
      assert.equal(env.MALLOC_ARENA_MAX, '3', 'a setting in the environment wins');
      for (const k of Object.keys(ALLOCATOR_ENV).filter((x) => x !== 'MALLOC_ARENA_MAX')) assert.equal(env[k], ALLOCATOR_ENV[k], k);
    }
    const code = await new Promise<number | null>((res) => { parent.once('exit', (c) => res(c)); parent.kill('SIGTERM'); });
    assert.equal(code, 0, out);
    assert.match(out, /stopping/);
  } finally {
    parent.kill('SIGKILL');
    t.remove();
  }
});

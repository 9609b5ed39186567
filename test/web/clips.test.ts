/**
 * The page's clips (issue 15), in Debian's chromium against an in-process server: three photos
 * dropped at once, "a separate video for each photo", and the page shows three clips side by side
 * in upload order, each with its preview; one clip's export downloads its own file. Screenshot in
 * test-artifacts/web/clips.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import sharp from 'sharp';
import { probeMedia } from '../../src/engine/ffmpeg/index.js';
import { startServer, type ServerHandle } from '../../src/service/index.js';
import { ARGS, CHROMIUM, shots, skip } from './support.js';


describe('the page\'s clips in chromium', { skip }, () => {
  let srv: ServerHandle;
  let browser: Browser;
  let tmp: string;
  const photos: string[] = [];

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'stillmotion-webclips-'));
    mkdirSync(shots, { recursive: true });
    for (const [name, rgb] of [['red.png', [220, 30, 30]], ['green.png', [30, 200, 40]], ['blue.png', [30, 50, 220]]] as const) {
      const p = join(tmp, name);
      writeFileSync(p, await sharp({ create: { width: 1200, height: 800, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toBuffer());
      photos.push(p);
    }
    [srv, browser] = await Promise.all([
      startServer({ port: 0, host: '127.0.0.1', dataDir: join(tmp, 'data'), quiet: true, env: { PATH: process.env.PATH }, settings: { previewSize: '360p' } }),
      chromium.launch({ executablePath: CHROMIUM, args: ARGS }),
    ]);
  });

  after(async () => {
    await browser?.close();
    await srv?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('photos keep the order they were dropped in when the first one\'s request is slow to leave', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await ctx.newPage();
    await page.goto(srv.url);
    await page.waitForSelector('#app[data-ready]', { timeout: 20_000 });
    // The first upload's request leaves 600 ms late (a slow connection to open, say): a page that
    // starts the next upload at once lets it arrive first, and the server numbers photos by arrival.
    await page.evaluate(() => {
      const send = XMLHttpRequest.prototype.send;
      let first = true;
      XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
        if (!(body instanceof FormData) || !first) return send.call(this, body);
        first = false;
        setTimeout(() => send.call(this, body), 600);
      };
    });
    await page.setInputFiles('#file-input', photos);
    await page.waitForFunction(() => document.querySelectorAll('.media-card[data-media-id]').length === 3, null, { timeout: 30_000 });
    // The server's order (the photos' numbers, the clips' order) is what a reload shows.
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('.media-card[data-media-id]').length === 3, null, { timeout: 30_000 });
    const names = await page.locator('.media-card .media-name').allInnerTexts();
    assert.deepEqual(names, ['red.png', 'green.png', 'blue.png'], 'the photos are in drop order');
    await ctx.close();
  });

  test('three photos, one video each: three clips side by side in upload order, each with a preview and its own download', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', acceptDownloads: true });
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(srv.url);
    await page.waitForSelector('#app[data-ready]', { timeout: 20_000 });

    await page.setInputFiles('#file-input', photos);
    await page.waitForFunction(() => document.querySelectorAll('.media-card[data-media-id]').length === 3, null, { timeout: 30_000 });
    assert.equal(await page.locator('.batch-card').isHidden(), true, 'no clip strip before there are two clips');

    await page.fill('#chat-input', 'make a separate video for each photo');
    await page.press('#chat-input', 'Enter');
    await page.waitForFunction(() => {
      const send = document.querySelector<HTMLButtonElement>('.send-btn');
      const vids = [...document.querySelectorAll<HTMLVideoElement>('.batch-card:not([hidden]) .batch-video')];
      return !!send && !send.disabled && vids.length === 3 && vids.every((v) => !!v.getAttribute('src'));
    }, null, { timeout: 120_000 });
    const reply = await page.locator('.msg.agent .msg-body').last().innerText();
    assert.match(reply, /3 clips are ready/, reply);

    const names = await page.locator('.batch-clip .batch-name').allInnerTexts();
    assert.deepEqual(names, ['red.png', 'green.png', 'blue.png'], 'the clips are in upload order');
    const boxes = await Promise.all([0, 1, 2].map((i) => page.locator('.batch-clip').nth(i).boundingBox()));
    assert.ok(boxes.every((b) => b && Math.abs(b.y - boxes[0]!.y) < 2), 'side by side: one row');
    // Every preview plays (given 30 s: a loaded machine decodes three at once slowly).
    const played = await page.evaluate(async () => Promise.all([...document.querySelectorAll<HTMLVideoElement>('.batch-video')].map(async (v) => {
      v.muted = true;
      try { await v.play(); } catch { return 0; }
      const t0 = performance.now();
      while (v.currentTime < 0.3 && performance.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 100));
      v.pause();
      return v.currentTime;
    })));
    assert.ok(played.every((t) => t >= 0.3), `previews played to ${played.join(', ')}`);
    await page.screenshot({ path: join(shots, 'clips.png'), fullPage: true });

    // The third clip's own export and download.
    const third = page.locator('.batch-clip').nth(2);
    await third.locator('.batch-export').click();
    await third.locator('.batch-download:not([hidden])').waitFor({ timeout: 120_000 });
    assert.equal(await third.locator('.batch-download').getAttribute('download'), 'blue-video.mp4');
    const [download] = await Promise.all([page.waitForEvent('download'), third.locator('.batch-download').click()]);
    const file = join(tmp, 'third.mp4');
    await download.saveAs(file);
    const probe = await probeMedia(file);
    assert.deepEqual([probe.video?.codec, probe.video?.width, probe.video?.height], ['h264', 1920, 1080]);
    assert.equal(await page.locator('.batch-clip').nth(0).locator('.batch-download').isHidden(), true, 'only that clip has a download');
    await page.screenshot({ path: join(shots, 'clips-exported.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await ctx.close();
  });
});

/**
 * Several clips in one session (issue 15), over real HTTP: three photos of different colours and
 * three instructions, one per photo, give three clips in upload order; each clip's export is its
 * own file that shows only its photo (decoded frames checked for colour), with its own move,
 * aspect and title. The export status carries `status` and `output.url` at the top level. And in
 * a slideshow, an instruction about one photo changes only that shot; a request that cannot be
 * done says why, and costs nothing.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { decodeFrames, probeMedia } from '../../src/engine/ffmpeg/index.js';
import { tempDir } from '../support/fixtures.js';
import { DATABASES, runSse, setup, testServer, uploadFile, waitExport, type TestServer } from './support.js';

type Rgb = [number, number, number];
const PHOTOS: ReadonlyArray<{ name: string; rgb: Rgb; format: 'png' | 'jpeg' }> = [
  { name: 'red.png', rgb: [220, 30, 30], format: 'png' },
  { name: 'mate_TwoWings.jpg', rgb: [30, 200, 40], format: 'jpeg' },
  { name: 'blue.png', rgb: [30, 50, 220], format: 'png' },
];

/** A flat photo with a faint band of texture (so the subject finder has something), 1500x1000. */
const photo = async (rgb: Rgb, format: 'png' | 'jpeg'): Promise<Buffer> => {
  const w = 1500, h = 1000;
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 3;
      const d = ((x >> 4) + (y >> 4)) % 2 === 0 ? 8 : -8;
      for (let c = 0; c < 3; c++) px[o + c] = Math.max(0, Math.min(255, rgb[c]! + d));
    }
  }
  const img = sharp(px, { raw: { width: w, height: h, channels: 3 } });
  return format === 'png' ? img.png().toBuffer() : img.jpeg({ quality: 92 }).toBuffer();
};

/** The colour of a frame, as the median of each channel over the frame's left tenth (away from titles). */
const edgeColour = (rgb: Buffer, w: number, h: number): Rgb => {
  const ch: number[][] = [[], [], []];
  for (let y = Math.floor(h * 0.3); y < h * 0.7; y += 4) {
    for (let x = 0; x < w * 0.1; x += 4) {
      const o = (y * w + x) * 3;
      for (let c = 0; c < 3; c++) ch[c]!.push(rgb[o + c]!);
    }
  }
  return ch.map((v) => v.sort((a, b) => a - b)[v.length >> 1]!) as Rgb;
};

/** How many pixels differ much from a colour (a title drawn in white is far from every photo here). */
const farFrom = (rgb: Buffer, c: Rgb): number => {
  let n = 0;
  for (let o = 0; o < rgb.length; o += 3) if (Math.abs(rgb[o]! - c[0]) + Math.abs(rgb[o + 1]! - c[1]) + Math.abs(rgb[o + 2]! - c[2]) > 200) n++;
  return n;
};

interface StateClip { id: string; position: number; active: boolean; draft: any; summary: string; media_ids: string[]; name: string | null; preview: { url: string } | null; canvas_config: { width: number; height: number; aspect: string } }

for (const db of DATABASES) {
  describe(`several clips in one session (${db})`, () => {
    let srv: TestServer;
    const tmp = tempDir('stillmotion-clips-');
    before(async () => { srv = await testServer(db); });
    after(async () => { await srv.stop(); tmp.remove(); });

    test('three photos, one instruction each: three clips, three exports, each only its photo, its move, aspect and title', async () => {
      const a = await setup(srv.url);
      const ids: string[] = [];
      for (const p of PHOTOS) {
        const up = await uploadFile(a, p.name, await photo(p.rgb, p.format), p.format === 'png' ? 'image/png' : 'image/jpeg');
        assert.equal(up.json.code, 0, JSON.stringify(up.json));
        ids.push(up.json.data.files[0]!.media_id);
      }

      const t1 = await runSse(a, 'make the first photo a 2-second slow zoom in');
      assert.match(t1.text, /preview is ready: 2\.0 s, zoom-in/, t1.text);
      const t2 = await runSse(a, "make a 2-second 9:16 version of the third with the title 'New in'");
      assert.match(t2.text, /Clip 2 of 2 is ready/, t2.text);
      assert.match(t2.text, /blue\.png: 2\.0 s, 9:16/, t2.text);
      const t3 = await runSse(a, 'make mate_TwoWings.jpg pan left, 2 seconds');
      assert.match(t3.text, /Clip 2 of 3 is ready/, t3.text);
      assert.match(t3.text, /mate_TwoWings\.jpg: 2\.0 s, 16:9, pan-left/, t3.text);

      const st = await a.call<{ state: Record<string, any> }>('GET', `/api/state/nemo_agent/me/${a.sessionId}/latest`);
      const state = st.json.data.state;
      assert.deepEqual(state.video_infos.map((v: { media_id: string }) => v.media_id), ids, 'the media are listed in upload order');
      assert.deepEqual(state.video_infos.map((v: { position: number }) => v.position), [1, 2, 3]);
      const clips = state.clips as StateClip[];
      assert.equal(clips.length, 3);
      assert.deepEqual(clips.map((c) => c.media_ids), [[ids[0]], [ids[1]], [ids[2]]], 'one clip per photo, in upload order');
      assert.deepEqual(clips.map((c) => c.name), PHOTOS.map((p) => p.name));
      assert.deepEqual(clips.map((c) => c.draft.t[0].sg[0].m.move), ['zoom-in', 'pan-left', 'auto']);
      assert.deepEqual(clips.map((c) => c.canvas_config.aspect), ['16:9', '16:9', '9:16']);
      const titles = clips.map((c) => (c.draft.t.find((t: { tt: number }) => t.tt === 7)?.sg ?? []).map((x: { m: { text: string } }) => x.m.text));
      assert.deepEqual(titles, [[], [], ['New in']], 'only the third photo\'s clip has the title');
      assert.ok(clips.every((c) => c.preview && /^http/.test(c.preview.url)), 'every clip has its preview');
      // The session's draft stays the active clip (the last one an instruction was about).
      const active = clips.find((c) => c.active)!;
      assert.equal(active.media_ids[0], ids[1]);
      assert.deepEqual(state.draft, active.draft);
      assert.equal(state.active_clip, active.id);

      // Export each clip: three files, each only its photo.
      const files: string[] = [];
      for (const [i, c] of clips.entries()) {
        const sub = await a.call<Record<string, unknown>>('POST', '/api/render/proxy/lambda', { sessionId: a.sessionId, draft: c.draft, output: { format: 'mp4', quality: 'low' } });
        assert.equal(sub.json.code, 0, JSON.stringify(sub.json));
        const id = (sub.json.data as { id: string }).id;
        const done = await waitExport(a, id);
        assert.equal(done.status, 'completed', JSON.stringify(done));
        const out = done.output as { url: string; file_name: string; width: number; height: number };
        assert.ok(out && /^http/.test(out.url), 'output.url at the top level of the status answer');
        assert.deepEqual(out, (done.data as { output: unknown }).output, 'the top-level output is the one in data');
        assert.equal(out.file_name, `${PHOTOS[i]!.name.replace(/\.\w+$/, '')}-video.mp4`, 'each file is named after its photo');
        const dl = await fetch(out.url);
        assert.equal(dl.status, 200);
        const path = tmp.path(`clip${i + 1}.mp4`);
        writeFileSync(path, Buffer.from(await dl.arrayBuffer()));
        files.push(path);
      }
      const sizes = await Promise.all(files.map((f) => probeMedia(f, { countFrames: true })));
      assert.deepEqual(sizes.map((p) => [p.video?.width, p.video?.height, p.video?.frames]), [[1920, 1080, 60], [1920, 1080, 60], [1080, 1920, 60]]);
      for (const [i, f] of files.entries()) {
        const w = sizes[i]!.video!.width, h = sizes[i]!.video!.height;
        const frames = await decodeFrames(f, { pixFmt: 'rgb24', frames: [0, 30, 59] });
        for (const [k, rgb] of frames.entries()) {
          const c = edgeColour(rgb, w, h);
          const want = PHOTOS[i]!.rgb;
          assert.ok(c.every((v, j) => Math.abs(v - want[j]!) < 30), `clip ${i + 1} frame ${k}: ${c.join(',')} is not ${want.join(',')} (${PHOTOS[i]!.name})`);
        }
        // The title shows in the third clip's first second, and nothing but the photo in the others.
        const text = farFrom(frames[1]!, PHOTOS[i]!.rgb);
        if (i === 2) assert.ok(text > 2000, `the title is drawn in clip 3 (${text} pixels)`);
        else assert.ok(text < 200, `clip ${i + 1} has no text (${text} pixels far from its colour)`);
      }
    });

    test('in a slideshow, one photo\'s instruction changes only its shot; what cannot be done says why and costs nothing', async () => {
      const a = await setup(srv.url);
      const ids: string[] = [];
      for (const p of PHOTOS) ids.push((await uploadFile(a, p.name, await photo(p.rgb, p.format))).json.data.files[0]!.media_id);
      const t1 = await runSse(a, 'make a slideshow, 1 second each');
      assert.match(t1.text, /preview is ready/, t1.text);
      const t2 = await runSse(a, 'make mate_TwoWings.jpg pan left');
      assert.match(t2.text, /preview is ready/, t2.text);
      let state = (await a.call<{ state: Record<string, any> }>('GET', `/api/state/nemo_agent/me/${a.sessionId}/latest`)).json.data.state;
      assert.equal(state.clips.length, 1);
      const shots = state.draft.t[0].sg as Array<{ m: { media_id: string; move: string } }>;
      assert.deepEqual(shots.map((x) => x.m.media_id), ids, 'the slideshow is in upload order');
      assert.deepEqual(shots.map((x) => x.m.move), ['auto', 'pan-left', 'auto'], 'only the named photo pans');

      const credits = async () => (await a.call<{ available: number }>('GET', '/api/credits/balance/simple')).json.data.available;
      const c0 = await credits();
      const none = await runSse(a, 'make photo 7 zoom in');
      assert.match(none.text, /Nothing on the timeline changed: there is no photo 7: this session has 3 photos \(1\. red\.png, 2\. mate_TwoWings\.jpg, 3\. blue\.png\)/, none.text);
      assert.equal(await credits(), c0, 'a request that cannot be done costs nothing');

      const only = await runSse(a, 'only use the second photo');
      assert.match(only.text, /preview is ready/, only.text);
      state = (await a.call<{ state: Record<string, any> }>('GET', `/api/state/nemo_agent/me/${a.sessionId}/latest`)).json.data.state;
      assert.deepEqual(state.draft.t[0].sg.map((x: { m: { media_id: string } }) => x.m.media_id), [ids[1]]);
      const again = await runSse(a, 'only use the second photo');
      assert.match(again.text, /Nothing on the timeline changed: the video already uses only photo 2 \(mate_TwoWings\.jpg\)/, again.text);
      const zh = await runSse(a, '删掉第二张');
      assert.match(zh.text, /时间线没有变化：删除第 2 张（mate_TwoWings\.jpg）后视频里就没有照片了/, zh.text);

      // One clip per photo: the session now holds three, in upload order.
      const sep = await runSse(a, '每张照片单独做一个视频');
      assert.match(sep.text, /2 个视频的预览已生成（共 3 个）/, sep.text);
      state = (await a.call<{ state: Record<string, any> }>('GET', `/api/state/nemo_agent/me/${a.sessionId}/latest`)).json.data.state;
      assert.deepEqual(state.clips.map((c: StateClip) => c.media_ids), [[ids[0]], [ids[1]], [ids[2]]]);
      assert.equal(state.clips[1].draft.t[0].sg[0].m.move, 'pan-left', 'a photo keeps its move in its own clip');
      const last = await runSse(a, 'make the last one zoom out');
      assert.match(last.text, /Clip 3 of 3 is ready/, last.text);
      state = (await a.call<{ state: Record<string, any> }>('GET', `/api/state/nemo_agent/me/${a.sessionId}/latest`)).json.data.state;
      assert.deepEqual(state.clips.map((c: StateClip) => c.draft.t[0].sg[0].m.move), ['auto', 'pan-left', 'zoom-out']);
    });
  });
}

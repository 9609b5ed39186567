/**
 * Child process of the benchmark: a 30-second 1080p30 slideshow of the given photos with
 * crossfades, a title and music; prints wall time, CPU seconds (ours, and the children: ffmpeg),
 * frames and this process's peak RSS as JSON.
 */
import { LocalMedia, planLocal, renderLocal } from '../src/local/make.js';
import { edit as E, emptyDraft } from '../src/timeline/index.js';
import { cpuTimes } from './cpu.js';

const [output, music, ...photos] = process.argv.slice(2);
const t0 = performance.now();
const media = new LocalMedia();
await media.addAll([...photos, music!].map((path) => ({ path })));
let d = E.addShots(emptyDraft(), photos.map((p) => ({ mediaId: p })));
d = E.setCanvas(d, { aspect: '16:9', size: '1080p', fps: 30 });
d = E.setTargetDuration(d, 30000);
d = E.setTransitions(d, { type: 'crossfade', durationMs: 600 });
d = E.addText(d, { text: 'Summer Sale 夏日特卖', role: 'title' });
d = E.setMusic(d, { mediaId: music!, volume: 0.35, fadeInMs: 500, fadeOutMs: 1500 });
const { plan } = await planLocal(d, media);
const r = await renderLocal(plan, media, { output: output! });
const cpu = cpuTimes();
process.stdout.write(`${JSON.stringify({ wall_s: (performance.now() - t0) / 1000, cpu_s: cpu.own_s, children_cpu_s: cpu.children_s, max_rss_mb: process.resourceUsage().maxRSS / 1024, frames: r.frames, width: r.width, height: r.height })}\n`);

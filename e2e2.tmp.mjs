import { openStill } from './dist/src/engine/input/load-still.js';
import { prepareStill } from './dist/src/engine/prepare-still.js';
import { RenderPool } from './dist/src/engine/render/pool.js';
import { frameView } from './dist/src/engine/render/render-frame.js';
const opened = await openStill('../shared/photos/mate_Garden.jpg', { maxBytes: 50e6, maxPixels: 2e8 });
const prep = await prepareStill(opened, { canvasWidth: 1920, canvasHeight: 1080, fit: 'cover', background: [0,0,0], move: 'auto', intensity: 0.5, easing: 'smooth', frames: 150, fps: 30, variant: 0 });
const pool = new RenderPool(prep.still, 1920, 1080, 2);
const t0 = performance.now();
const q = []; let next = 0;
const fill = () => { while (next < 150 && q.length < 4) { q.push(pool.render(next, frameView(prep.plan, next))); next++; } };
fill();
for (let i = 0; i < 150; i++) { const t=performance.now(); await q.shift(); fill(); if (i<5||i%30==0) console.log(i, (performance.now()-t).toFixed(1)); }
console.log('render-only ms', (performance.now() - t0).toFixed(0));
await pool.close();

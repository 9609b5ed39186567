import { spawn } from 'node:child_process';
const FF = './node_modules/@ffmpeg-installer/linux-x64/ffmpeg';
const ff = spawn(FF, ['-v','error','-y','-f','rawvideo','-pix_fmt','yuv420p','-s','1920x1080','-framerate','30','-i','pipe:0','-c:v','libx264','-preset','veryfast','-crf','18', '/tmp/x.mp4'], { stdio: ['pipe', 'inherit', 'inherit'] });
const f = new Uint8Array(1920*1080*1.5); for (let i=0;i<f.length;i++) f[i]=(i*7)&255;
const t0 = performance.now();
for (let i = 0; i < 150; i++) { const t=performance.now(); if (!ff.stdin.write(f)) await new Promise(r => ff.stdin.once('drain', r)); if (i<5||i%30==0) console.log(i,(performance.now()-t).toFixed(1)); }
ff.stdin.end(); await new Promise(r => ff.on('exit', r));
console.log('total', (performance.now()-t0).toFixed(0));

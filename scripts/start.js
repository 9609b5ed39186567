#!/usr/bin/env node
// `npm start`: `stillmotion serve` with the allocator settings of src/service/allocator.ts, which
// glibc reads only when a process starts (so they are set here, for the server's own process).
// Settings already in the environment win. SIGTERM and SIGHUP are passed on; Ctrl-C reaches the
// server directly (the terminal signals the whole group), and the server's exit code is ours.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const { ALLOCATOR_ENV } = await import('../dist/src/service/allocator.js');
const env = { ...process.env };
for (const [k, v] of Object.entries(ALLOCATOR_ENV)) env[k] ??= v;
const bin = fileURLToPath(new URL('../bin/stillmotion.js', import.meta.url));
const child = spawn(process.execPath, [bin, 'serve', ...process.argv.slice(2)], { stdio: 'inherit', env });
for (const sig of ['SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
// From a terminal the server gets Ctrl-C itself; from anything else, pass it on.
process.on('SIGINT', () => { if (!process.stdin.isTTY) child.kill('SIGINT'); });
child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] ?? 0 : 1)));

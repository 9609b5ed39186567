/** Thread entry: `finishStill` for each picture it is sent (see prepare-thread.ts). */
import { parentPort } from 'node:worker_threads';
import { isStillmotionError } from '../errors.js';
import { finishStill, type StillWork } from './finish-still.js';
import type { PrepareReply } from './prepare-thread.js';

parentPort!.on('message', ({ id, work }: { id: number; work: StillWork }) => {
  let reply: PrepareReply;
  try {
    reply = { id, ok: true, done: finishStill(work) };
  } catch (e) {
    reply = { id, ok: false, error: isStillmotionError(e) ? { ...e.toJSON() } : { kind: 'INTERNAL', message: String((e as Error)?.message ?? e) } };
  }
  parentPort!.postMessage(reply);
});

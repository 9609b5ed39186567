/**
 * Children die with the parent: every spawned ffmpeg/ffprobe is killed when Node exits, even on an
 * uncaught exception or process.exit(). The one piece of module state in the door, and only because
 * 'exit' is process-wide: the set of live children (no settings), with a single listener installed
 * while the set is non-empty. (A parent killed by a signal cannot run this; ffmpeg then sees its
 * stdin close and stops on its own.)
 */
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
const killAll = () => {
  for (const c of live) c.kill('SIGKILL');
};

export const dieWithParent = (child: ChildProcess): void => {
  if (live.size === 0) process.on('exit', killAll);
  live.add(child);
  const forget = () => {
    live.delete(child);
    if (live.size === 0) process.off('exit', killAll);
  };
  child.once('close', forget); // also emitted after a failed spawn
};

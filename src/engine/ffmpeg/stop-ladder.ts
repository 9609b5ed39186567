/**
 * Stopping a child politely, then firmly: end its stdin (ffmpeg finishes what it has), SIGTERM after
 * `termAfterMs`, SIGKILL after `killAfterMs` (both counted from the start). Resolves when it has exited.
 */
import type { ChildProcess } from 'node:child_process';

export interface StopLadderTimes {
  /** Default 2000. */
  readonly termAfterMs?: number;
  /** Default 5000. */
  readonly killAfterMs?: number;
}

export const stopLadder = async (child: ChildProcess, exited: Promise<unknown>, t: StopLadderTimes = {}): Promise<void> => {
  try {
    child.stdin?.end();
  } catch {
    // already closed
  }
  const term = setTimeout(() => child.kill('SIGTERM'), t.termAfterMs ?? 2000);
  const kill = setTimeout(() => child.kill('SIGKILL'), t.killAfterMs ?? 5000);
  try {
    await exited;
  } finally {
    clearTimeout(term);
    clearTimeout(kill);
  }
};

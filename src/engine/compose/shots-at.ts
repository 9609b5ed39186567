/** The shots covering frame f (one, or two during a transition: outgoing first). */
export const shotsAt = (shots: ReadonlyArray<{ readonly startFrame: number; readonly frames: number }>, f: number): number[] => {
  const out: number[] = [];
  shots.forEach((s, i) => { if (f >= s.startFrame && f < s.startFrame + s.frames) out.push(i); });
  return out;
};

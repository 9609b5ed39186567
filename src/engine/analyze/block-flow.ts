/**
 * Motion between two decoded frames by block matching (for tests and the bench): for each block
 * on a grid, the integer shift (within ±R) with the least sum of absolute differences, refined to
 * sub-pixel by a parabola through the neighbouring costs. Flat blocks (no texture to match) are
 * skipped. Vectors say where the content went: +x right, +y down, in pixels per frame pair.
 */

export interface BlockVector { readonly x: number; readonly y: number; readonly dx: number; readonly dy: number }

export const blockFlow = (a: Uint8Array | Buffer, b: Uint8Array | Buffer, w: number, h: number, o: { block?: number; radius?: number; step?: number } = {}): BlockVector[] => {
  const B = o.block ?? 24, R = o.radius ?? 6, step = o.step ?? B;
  const out: BlockVector[] = [];
  const sad = (x0: number, y0: number, dx: number, dy: number): number => {
    let s = 0;
    for (let y = 0; y < B; y++) {
      const ra = (y0 + y) * w + x0, rb = (y0 + y + dy) * w + x0 + dx;
      for (let x = 0; x < B; x++) s += Math.abs(a[ra + x]! - b[rb + x]!);
    }
    return s;
  };
  for (let y0 = R; y0 + B + R <= h; y0 += step) {
    for (let x0 = R; x0 + B + R <= w; x0 += step) {
      // Texture: skip blocks with little contrast (nothing to match).
      let mn = 255, mx = 0;
      for (let y = 0; y < B; y += 2) for (let x = 0; x < B; x += 2) { const v = a[(y0 + y) * w + x0 + x]!; if (v < mn) mn = v; if (v > mx) mx = v; }
      if (mx - mn < 12) continue;
      let best = Infinity, bx = 0, by = 0;
      const cost = new Map<string, number>();
      for (let dy = -R; dy <= R; dy++) {
        for (let dx = -R; dx <= R; dx++) {
          const c = sad(x0, y0, dx, dy);
          cost.set(`${dx},${dy}`, c);
          if (c < best || (c === best && dx * dx + dy * dy < bx * bx + by * by)) { best = c; bx = dx; by = dy; }
        }
      }
      const sub = (cm: number | undefined, c0: number, cp: number | undefined) => {
        if (cm === undefined || cp === undefined) return 0;
        const d = cm - 2 * c0 + cp;
        return d > 0 ? Math.max(-0.5, Math.min(0.5, (cm - cp) / (2 * d))) : 0;
      };
      out.push({
        x: x0 + B / 2, y: y0 + B / 2,
        dx: bx + sub(cost.get(`${bx - 1},${by}`), best, cost.get(`${bx + 1},${by}`)),
        dy: by + sub(cost.get(`${bx},${by - 1}`), best, cost.get(`${bx},${by + 1}`)),
      });
    }
  }
  return out;
};

export const median = (xs: readonly number[]): number => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Mean absolute difference of two frames (0–255). */
export const meanAbsDiff = (a: Uint8Array | Buffer, b: Uint8Array | Buffer): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
};

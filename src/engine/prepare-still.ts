/**
 * The picture a photo shot's camera moves over, built exactly as its plan says: the photo decoded
 * at the working resolution its tightest view needs (cover), or a canvas-shaped picture with the
 * photo fitted inside over a blurred copy of itself or a colour (blur, color). No decisions here:
 * the framing and the move were planned from the photo's analysis before rendering.
 */
import sharp from 'sharp';
import { decodeRgb, stillPipeline, type DecodedRgb, type OpenedStill } from './input/load-still.js';
import type { Framing } from './plan/render-plan.js';
import { rgbToYuv, type YuvStill } from './render/yuv.js';
import type { LayeredStill } from './render/layered.js';
import type { DepthMotion } from './plan/depth-motion.js';

/** A soft, slightly darkened copy of the photo fills the canvas behind it. */
const blurredFill = async (fg: DecodedRgb, cw: number, ch: number): Promise<Buffer> =>
  sharp(fg.data, { raw: { width: fg.width, height: fg.height, channels: 3 } })
    .resize(cw, ch, { fit: 'cover' })
    .blur(Math.max(2, Math.min(cw, ch) / 28))
    .linear(0.78, 0)
    .raw()
    .toBuffer();

/** RGBA (straight alpha) at exactly width x height. */
const decodeRgba = async (s: OpenedStill, width: number, height: number): Promise<Buffer> => {
  let p = stillPipeline(s);
  const [iw, ih] = s.input.kind === 'raw' ? [s.input.width, s.input.height] : [s.source.width, s.source.height];
  if (width !== iw || height !== ih) p = p.resize(width, height, { fit: 'fill', kernel: 'lanczos3', fastShrinkOnLoad: true });
  return p.toColourspace('srgb').ensureAlpha().raw({ depth: 'uchar' }).toBuffer();
};

/**
 * RGB for the colour planes and the alpha plane of an RGBA picture. Where a pixel is (partly)
 * transparent its colour is bled from its opaque neighbours (a blurred premultiplied picture over
 * its blurred alpha), so resampling at an edge never mixes in the black of empty pixels: no dark
 * fringe when the video is laid over something else.
 */
const splitAlpha = async (rgba: Buffer, w: number, h: number): Promise<{ rgb: Buffer; a: Uint8Array }> => {
  const n = w * h;
  const pre = Buffer.alloc(n * 4);
  for (let i = 0; i < n; i++) {
    const al = rgba[i * 4 + 3]!;
    pre[i * 4] = Math.round((rgba[i * 4]! * al) / 255); pre[i * 4 + 1] = Math.round((rgba[i * 4 + 1]! * al) / 255); pre[i * 4 + 2] = Math.round((rgba[i * 4 + 2]! * al) / 255); pre[i * 4 + 3] = al;
  }
  const sigma = Math.max(1, Math.min(w, h) / 100);
  const bled = await sharp(pre, { raw: { width: w, height: h, channels: 4 } }).blur(sigma).raw().toBuffer();
  const rgb = Buffer.alloc(n * 3);
  const a = new Uint8Array(new SharedArrayBuffer(n));
  for (let i = 0; i < n; i++) {
    const al = rgba[i * 4 + 3]!;
    a[i] = al;
    const ba = bled[i * 4 + 3]!;
    for (let c = 0; c < 3; c++) {
      const own = rgba[i * 4 + c]!;
      const near = ba > 0 ? Math.min(255, (bled[i * 4 + c]! * 255) / ba) : own;
      rgb[i * 3 + c] = Math.round((own * al + near * (255 - al)) / 255);
    }
  }
  return { rgb, a };
};

/** The working resolution of a cover framing for a photo of w x h: its zoom-1 crop is canvasWidth * zoom pixels across (never more than the photo has). */
const coverSize = (w: number, h: number, zoom: number, canvasWidth: number, canvasHeight: number): { width: number; height: number } => {
  const A = canvasWidth / canvasHeight;
  const cropAcross = w / h > A ? h * A : w;
  const k = Math.min(1, (canvasWidth * zoom) / cropAcross);
  return { width: Math.max(1, Math.round(w * k)), height: Math.max(1, Math.round(h * k)) };
};

/** The photo at the working resolution of a cover framing. */
const decodeCover = (opened: OpenedStill, zoom: number, canvasWidth: number, canvasHeight: number, background: readonly [number, number, number]): Promise<DecodedRgb> => {
  const { width, height } = coverSize(opened.source.width, opened.source.height, zoom, canvasWidth, canvasHeight);
  return decodeRgb(opened, width, height, background);
};

/**
 * The largest picture `prepareStill` decodes a photo of w x h to for this framing (for openStill's
 * `atMost`: a HEIC is then decoded reduced, as a JPEG shrinks on load).
 */
export const stillDecodeSize = (framing: Framing, canvasWidth: number, canvasHeight: number) => (w: number, h: number): { width: number; height: number } =>
  framing.fit === 'cover' ? coverSize(w, h, framing.detailZoom, canvasWidth, canvasHeight) : { width: framing.photo.width, height: framing.photo.height };

/**
 * The layers a depth move draws: the photo at the working resolution its tightest layer view needs,
 * cut by its depth map (src/engine/depth/layers.ts).
 */
export const prepareLayers = async (
  opened: OpenedStill, motion: DepthMotion, canvasWidth: number, canvasHeight: number, background: readonly [number, number, number],
  /** Where the layers are built (the render threads: RenderPool.buildLayers); here in this thread if not given. */
  build?: (rgb: Uint8Array, width: number, height: number, depth: DepthMotion['depth']) => Promise<LayeredStill>,
  /** The shot's planned detail zoom: the layers are decoded for at least it, as a flat move's picture is. */
  detailZoom = 0,
): Promise<LayeredStill> => {
  // At least the flat move's resolution: a far layer sampled at exactly 1:1 blurs and sharpens with the
  // pan's sub-pixel phase (read as jitter); a little above, every frame averages the same way.
  const zoom = Math.max(detailZoom, Math.max(motion.camera.start.zoom, motion.camera.end.zoom) * (1 + Math.max(0, motion.az) * 0.7));
  const picture = await decodeCover(opened, Math.min(2, zoom), canvasWidth, canvasHeight, background);
  if (build) return build(picture.data, picture.width, picture.height, motion.depth);
  const { buildLayers } = await import('./depth/layers.js');
  return buildLayers(picture.data, picture.width, picture.height, motion.depth).still;
};

/**
 * The picture of a shot for transparent output (WebM, MOV): the photo's own alpha and, contained,
 * a transparent canvas around it, as video planes plus an alpha plane. (A blurred fill is opaque:
 * it takes prepareStill.)
 */
export const prepareStillAlpha = async (opened: OpenedStill, framing: Exclude<Framing, { fit: 'blur' }>, canvasWidth: number, canvasHeight: number): Promise<YuvStill> => {
  const src = opened.source;
  // Transparent output: the photo's own alpha, and (contained) a transparent canvas around it.
  let rgba: Buffer, w: number, h: number;
  if (framing.fit === 'cover') {
    const A = canvasWidth / canvasHeight;
    const cropAcross = src.width / src.height > A ? src.height * A : src.width;
    const k = Math.min(1, (canvasWidth * framing.detailZoom) / cropAcross);
    w = Math.max(1, Math.round(src.width * k)); h = Math.max(1, Math.round(src.height * k));
    rgba = await decodeRgba(opened, w, h);
  } else {
    ({ width: w, height: h } = framing.picture);
    const at = framing.photo;
    const photo = await decodeRgba(opened, at.width, at.height);
    rgba = await sharp({ create: { width: w, height: h, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .composite([{ input: photo, raw: { width: at.width, height: at.height, channels: 4 }, left: at.x, top: at.y }])
      .raw().toBuffer();
  }
  const { rgb, a } = await splitAlpha(rgba, w, h);
  return { ...rgbToYuv(rgb, w, h, 3, true), a: { data: a, width: w, height: h } };
};

/**
 * The shot's picture as 8-bit RGB. Every step runs in libvips' threads; the conversion to video
 * planes is the render threads' (RenderPool.addStillRgb), so nothing here holds the main thread.
 */
export const prepareStill = async (opened: OpenedStill, framing: Framing, canvasWidth: number, canvasHeight: number, background: readonly [number, number, number]): Promise<DecodedRgb> => {
  let picture: DecodedRgb;
  if (framing.fit === 'cover') {
    picture = await decodeCover(opened, framing.detailZoom, canvasWidth, canvasHeight, background);
  } else {
    const { width: cw, height: ch } = framing.picture;
    const at = framing.photo;
    const photo = await decodeRgb(opened, at.width, at.height, background);
    let base: Buffer;
    if (framing.fit === 'blur') base = await blurredFill(photo, cw, ch);
    else base = await sharp({ create: { width: cw, height: ch, channels: 3, background: { r: background[0], g: background[1], b: background[2] } } }).raw().toBuffer();
    const data = await sharp(base, { raw: { width: cw, height: ch, channels: 3 } })
      .composite([{ input: photo.data, raw: { width: photo.width, height: photo.height, channels: 3 }, left: at.x, top: at.y }])
      .removeAlpha()
      .raw()
      .toBuffer();
    picture = { data, width: cw, height: ch };
  }
  return picture;
};

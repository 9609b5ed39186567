/**
 * The picture a photo shot's camera moves over, built exactly as its plan says: the photo decoded
 * at the working resolution its tightest view needs (cover), or a canvas-shaped picture with the
 * photo fitted inside over a blurred copy of itself or a colour (blur, color). No decisions here:
 * the framing and the move were planned from the photo's analysis before rendering.
 */
import sharp from 'sharp';
import { decodeRgb, type DecodedRgb, type OpenedStill } from './input/load-still.js';
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

/** The photo at the working resolution of a cover framing: its zoom-1 crop is canvasWidth * zoom pixels across (never more than the photo has). */
const decodeCover = (opened: OpenedStill, zoom: number, canvasWidth: number, canvasHeight: number, background: readonly [number, number, number]): Promise<DecodedRgb> => {
  const src = opened.source;
  const A = canvasWidth / canvasHeight;
  const cropAcross = src.width / src.height > A ? src.height * A : src.width;
  const k = Math.min(1, (canvasWidth * zoom) / cropAcross);
  return decodeRgb(opened, Math.max(1, Math.round(src.width * k)), Math.max(1, Math.round(src.height * k)), background);
};

/**
 * The layers a depth move draws: the photo at the working resolution its tightest layer view needs,
 * cut by its depth map (src/engine/depth/layers.ts).
 */
export const prepareLayers = async (opened: OpenedStill, motion: DepthMotion, canvasWidth: number, canvasHeight: number, background: readonly [number, number, number]): Promise<LayeredStill> => {
  const { buildLayers } = await import('./depth/layers.js');
  const zoom = Math.max(motion.camera.start.zoom, motion.camera.end.zoom) * (1 + Math.max(0, motion.az) * 0.7);
  const picture = await decodeCover(opened, Math.min(2, zoom), canvasWidth, canvasHeight, background);
  return buildLayers(picture.data, picture.width, picture.height, motion.depth).still;
};

export const prepareStill = async (opened: OpenedStill, framing: Framing, canvasWidth: number, canvasHeight: number, background: readonly [number, number, number]): Promise<YuvStill> => {
  let picture: DecodedRgb;
  if (framing.fit === 'cover') {
    picture = await decodeCover(opened, framing.detailZoom, canvasWidth, canvasHeight, background);
  } else {
    const { width: cw, height: ch } = framing.picture;
    const at = framing.photo;
    const photo = await decodeRgb(opened, at.width, at.height, background);
    let base: Buffer;
    if (framing.fit === 'blur') base = await blurredFill(photo, cw, ch);
    else {
      base = Buffer.alloc(cw * ch * 3);
      for (let i = 0; i < cw * ch; i++) base.set(background, i * 3);
    }
    const data = await sharp(base, { raw: { width: cw, height: ch, channels: 3 } })
      .composite([{ input: photo.data, raw: { width: photo.width, height: photo.height, channels: 3 }, left: at.x, top: at.y }])
      .removeAlpha()
      .raw()
      .toBuffer();
    picture = { data, width: cw, height: ch };
  }
  return rgbToYuv(picture.data, picture.width, picture.height, 3, true);
};

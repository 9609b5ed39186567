/**
 * Photos with depth, made in code to the published formats: an iPhone Portrait-style JPEG (the
 * disparity map as a second JPEG listed in a Multi-Picture Format index, tagged with Apple's
 * `apdi` XMP) and a Google depth JPEG (GDepth XMP with a base64 PNG depth map, RangeInverse).
 */
import sharp from 'sharp';
import { texturedRgb } from './fixtures.js';

const seg = (marker: number, body: Buffer): Buffer => {
  const head = Buffer.alloc(4);
  head[0] = 0xff; head[1] = marker; head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
};

/** A JPEG with an APPn segment inserted right after its SOI. */
const withSegment = (jpeg: Buffer, segment: Buffer): Buffer => Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);

/** A scene with a textured near square (depth `near`) over a differently textured far background. */
export const layeredScene = (w: number, h: number, box = { x: 0.35, y: 0.3, w: 0.3, h: 0.4 }): { rgb: Buffer; near: (x: number, y: number) => boolean } => {
  const bg = texturedRgb(w, h, 7);
  const fg = texturedRgb(w, h, 99);
  const near = (x: number, y: number) => x >= box.x * w && x < (box.x + box.w) * w && y >= box.y * h && y < (box.y + box.h) * h;
  const rgb = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const i = (y * w + x) * 3;
    const src = near(x, y) ? fg : bg;
    rgb[i] = src[i]!; rgb[i + 1] = src[i + 1]!; rgb[i + 2] = src[i + 2]!;
  }
  return { rgb, near };
};

/** The scene's depth as a grey picture of `dw` x `dh`: `nearValue` inside the square, `farValue` outside. */
const depthPicture = (dw: number, dh: number, near: (x: number, y: number) => boolean, sx: number, sy: number, nearValue: number, farValue: number): Buffer => {
  const d = Buffer.alloc(dw * dh);
  for (let y = 0; y < dh; y++) for (let x = 0; x < dw; x++) d[y * dw + x] = near((x + 0.5) * sx, (y + 0.5) * sy) ? nearValue : farValue;
  return d;
};

/** Google depth: RangeInverse with near 1 m (the square) and far 4 m (the background): 0 nearest, 255 farthest. */
export const gdepthJpeg = async (w: number, h: number): Promise<Buffer> => {
  const { rgb, near } = layeredScene(w, h);
  const dw = Math.round(w / 4), dh = Math.round(h / 4);
  const png = await sharp(depthPicture(dw, dh, near, 4, 4, 0, 255), { raw: { width: dw, height: dh, channels: 1 } }).png().toBuffer();
  const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">`
    + `<rdf:Description rdf:about="" xmlns:GDepth="http://ns.google.com/photos/1.0/depthmap/" GDepth:Format="RangeInverse" GDepth:Near="1" GDepth:Far="4" GDepth:Mime="image/png" GDepth:Data="${png.toString('base64')}"/>`
    + `</rdf:RDF></x:xmpmeta>`;
  const jpeg = await sharp(rgb, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();
  return withSegment(jpeg, seg(0xe1, Buffer.concat([Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1'), Buffer.from(xmp, 'utf8')])));
};

/** A JPEG with the auxiliary JPEGs after it, all listed in a Multi-Picture Format index (APP2), as an iPhone writes them. */
const mpfJpeg = (primary: Buffer, seconds: Buffer[]): Buffer => {
  const n = 1 + seconds.length;
  // MPF: a little-endian TIFF header, one IFD with the MP entry table (16 bytes an image).
  const tiff = Buffer.alloc(8 + 2 + 3 * 12 + 4 + 16 * n);
  tiff.write('II*\0', 0, 'latin1');
  tiff.writeUInt32LE(8, 4);
  tiff.writeUInt16LE(3, 8);
  const entry = (k: number, tag: number, type: number, count: number, value: number) => {
    const o = 10 + k * 12;
    tiff.writeUInt16LE(tag, o); tiff.writeUInt16LE(type, o + 2); tiff.writeUInt32LE(count, o + 4); tiff.writeUInt32LE(value, o + 8);
  };
  const table = 10 + 3 * 12 + 4;
  entry(0, 0xb000, 7, 4, 0x30303130);
  entry(1, 0xb001, 4, 1, n);
  entry(2, 0xb002, 7, 16 * n, table);
  const app2 = () => seg(0xe2, Buffer.concat([Buffer.from('MPF\0', 'latin1'), tiff]));
  const firstLength = withSegment(primary, app2()).length;
  const tiffStart = 2 + 4 + 4;
  tiff.writeUInt32LE(0x030000, table); tiff.writeUInt32LE(firstLength, table + 4); tiff.writeUInt32LE(0, table + 8);
  let at = firstLength;
  seconds.forEach((b, k) => {
    const e = table + 16 * (k + 1);
    tiff.writeUInt32LE(0, e); tiff.writeUInt32LE(b.length, e + 4); tiff.writeUInt32LE(at - tiffStart, e + 8);
    at += b.length;
  });
  return Buffer.concat([withSegment(primary, app2()), ...seconds]);
};

/** An auxiliary JPEG tagged with Apple's pixel data info XMP. */
const appleAux = async (grey: Buffer, dw: number, dh: number, type: string, subtype?: string): Promise<Buffer> => {
  const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">`
    + `<rdf:Description rdf:about="" xmlns:apdi="http://ns.apple.com/pixeldatainfo/1.0/"><apdi:AuxiliaryImageType>${type}</apdi:AuxiliaryImageType>`
    + (subtype ? `<apdi:AuxiliaryImageSubType>${subtype}</apdi:AuxiliaryImageSubType>` : '')
    + `</rdf:Description></rdf:RDF></x:xmpmeta>`;
  const jpeg = await sharp(grey, { raw: { width: dw, height: dh, channels: 1 } }).jpeg({ quality: 95 }).toBuffer();
  return withSegment(jpeg, seg(0xe1, Buffer.concat([Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1'), Buffer.from(xmp, 'utf8')])));
};

/** iPhone Portrait style: the photo, and its disparity map (255 nearest) as the second image of an MPF index. */
export const iphoneDisparityJpeg = async (w: number, h: number): Promise<Buffer> => {
  const { rgb, near } = layeredScene(w, h);
  const dw = Math.round(w / 4), dh = Math.round(h / 4);
  const primary = await sharp(rgb, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();
  return mpfJpeg(primary, [await appleAux(depthPicture(dw, dh, near, 4, 4, 230, 30), dw, dh, 'disparity')]);
};

/**
 * An iPhone JPEG without depth but with mattes, in the order iOS lists them: a skin matte (the
 * bottom-right corner: not a subject), the portrait matte (the near square, typed as iOS does:
 * depth / portraiteffectsmatte) and the sky matte (the top `sky` fraction).
 */
export const iphoneMattesJpeg = async (w: number, h: number, sky = 0.25): Promise<Buffer> => {
  const { rgb, near } = layeredScene(w, h);
  const dw = Math.round(w / 4), dh = Math.round(h / 4);
  const primary = await sharp(rgb, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();
  const skin = Buffer.alloc(dw * dh);
  for (let y = 0; y < dh; y++) for (let x = 0; x < dw; x++) skin[y * dw + x] = x > dw * 0.75 && y > dh * 0.75 ? 255 : 0;
  const skyPic = Buffer.alloc(dw * dh);
  for (let y = 0; y < dh; y++) for (let x = 0; x < dw; x++) skyPic[y * dw + x] = y < dh * sky ? 255 : 0;
  return mpfJpeg(primary, [
    await appleAux(skin, dw, dh, 'urn:com:apple:photo:2019:aux:semanticskinmatte'),
    await appleAux(depthPicture(dw, dh, near, 4, 4, 255, 0), dw, dh, 'depth', 'portraiteffectsmatte'),
    await appleAux(skyPic, dw, dh, 'urn:com:apple:photo:2020:aux:semanticskymatte'),
  ]);
};

// ---- Android: Google Dynamic Depth (container items appended to the JPEG) and GDepth in extended XMP ----

const XMP_HEAD = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">`;
const XMP_TAIL = `</rdf:RDF></x:xmpmeta>`;
const xmpSegment = (xmp: string): Buffer => seg(0xe1, Buffer.concat([Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1'), Buffer.from(xmp, 'utf8')]));

export interface DynamicDepthOptions {
  /** Name the depth item by the device's DepthMap:DepthURI (default), or only by its Item:Semantic. */
  readonly byUri?: boolean;
  /** Padding bytes after the depth item. */
  readonly padding?: number;
}

/**
 * Google Dynamic Depth 1.0 as Android cameras write it: the primary JPEG whose XMP holds the
 * Device element (a Container directory of three items: the primary, a 16-bit PNG depth map in
 * RangeLinear metres from 1 to 4, and a confidence map) and the Camera's DepthMap element; the
 * depth and confidence PNGs appended after the primary image in directory order.
 */
export const dynamicDepthJpeg = async (w: number, h: number, o: DynamicDepthOptions = {}): Promise<Buffer> => {
  const { rgb, near } = layeredScene(w, h);
  const dw = Math.round(w / 4), dh = Math.round(h / 4);
  // RangeLinear: 0 is 1 m (the square), 255 is 4 m; stored as 16 bits.
  const depth = await sharp(depthPicture(dw, dh, near, 4, 4, 0, 255), { raw: { width: dw, height: dh, channels: 1 } }).toColourspace('grey16').png().toBuffer();
  // The confidence map is the opposite picture: reading it as depth would put the square far.
  const confidence = await sharp(depthPicture(dw, dh, near, 4, 4, 255, 0), { raw: { width: dw, height: dh, channels: 1 } }).png().toBuffer();
  const padding = o.padding ?? 0;
  const byUri = o.byUri !== false;
  const item = (mime: string, semantic: string, length: number, uri: string, pad = 0) =>
    `<rdf:li rdf:parseType="Resource"><Container:Item Item:Mime="${mime}" Item:Semantic="${semantic}" Item:Length="${length}"${pad ? ` Item:Padding="${pad}"` : ''}${byUri ? ` Item:DataURI="${uri}"` : ''}/></rdf:li>`;
  const xmp = `${XMP_HEAD}<rdf:Description rdf:about=""`
    + ` xmlns:Device="http://ns.google.com/photos/dd/1.0/device/" xmlns:Container="http://ns.google.com/photos/dd/1.0/container/"`
    + ` xmlns:Item="http://ns.google.com/photos/dd/1.0/item/" xmlns:Camera="http://ns.google.com/photos/dd/1.0/camera/"`
    + ` xmlns:DepthMap="http://ns.google.com/photos/dd/1.0/depthmap/">`
    + `<Device:Container><Container:Directory><rdf:Seq>`
    + item('image/jpeg', 'Primary', 0, 'primary_image')
    + item('image/png', 'Depthmap', depth.length, 'android/depthmap', padding)
    + item('image/png', 'Confidence', confidence.length, 'android/confidencemap')
    + `</rdf:Seq></Container:Directory></Device:Container>`
    + `<Device:Cameras><rdf:Seq><rdf:li rdf:parseType="Resource"><Camera:Camera rdf:parseType="Resource"><Camera:DepthMap rdf:parseType="Resource">`
    + `<DepthMap:Format>RangeLinear</DepthMap:Format><DepthMap:Near>1</DepthMap:Near><DepthMap:Far>4</DepthMap:Far><DepthMap:Units>Meters</DepthMap:Units>`
    + (byUri ? `<DepthMap:DepthURI>android/depthmap</DepthMap:DepthURI><DepthMap:ConfidenceURI>android/confidencemap</DepthMap:ConfidenceURI>` : '')
    + `<DepthMap:ItemSemantic>Depth</DepthMap:ItemSemantic></Camera:DepthMap></Camera:Camera></rdf:li></rdf:Seq></Device:Cameras>`
    + `</rdf:Description>${XMP_TAIL}`;
  const jpeg = await sharp(rgb, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();
  return Buffer.concat([withSegment(jpeg, xmpSegment(xmp)), depth, Buffer.alloc(padding), confidence]);
};

/**
 * GDepth with its PNG in the extended XMP, too large for one APP1 segment (over 64 KB: the far
 * background is noise, which PNG cannot shrink), so it is split across segments; the chunks are
 * written last first, as the format allows (each says its offset).
 */
export const gdepthExtendedJpeg = async (w: number, h: number): Promise<{ file: Buffer; segments: number }> => {
  const { rgb, near } = layeredScene(w, h);
  const dw = w, dh = h;
  const d = depthPicture(dw, dh, near, 1, 1, 0, 255);
  let s = 0x9e3779b9;
  for (let i = 0; i < d.length; i++) if (d[i]) { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; d[i] = 160 + ((s >>> 0) % 96); }
  const png = await sharp(d, { raw: { width: dw, height: dh, channels: 1 } }).png().toBuffer();
  const guid = 'A1B2C3D4E5F60718293A4B5C6D7E8F90';
  const std = `${XMP_HEAD}<rdf:Description rdf:about="" xmlns:xmpNote="http://ns.adobe.com/xmp/note/" xmlns:GDepth="http://ns.google.com/photos/1.0/depthmap/"`
    + ` xmpNote:HasExtendedXMP="${guid}" GDepth:Format="RangeInverse" GDepth:Near="1" GDepth:Far="4" GDepth:Mime="image/png"/>${XMP_TAIL}`;
  const ext = Buffer.from(`${XMP_HEAD}<rdf:Description rdf:about="" xmlns:GDepth="http://ns.google.com/photos/1.0/depthmap/" GDepth:Data="${png.toString('base64')}"/>${XMP_TAIL}`, 'utf8');
  const CHUNK = 65000;
  const chunks: Buffer[] = [];
  for (let off = 0; off < ext.length; off += CHUNK) {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(ext.length, 0);
    head.writeUInt32BE(off, 4);
    chunks.push(seg(0xe1, Buffer.concat([Buffer.from('http://ns.adobe.com/xmp/extension/\0', 'latin1'), Buffer.from(guid, 'latin1'), head, ext.subarray(off, off + CHUNK)])));
  }
  const jpeg = await sharp(rgb, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();
  const file = Buffer.concat([jpeg.subarray(0, 2), xmpSegment(std), ...chunks.reverse(), jpeg.subarray(2)]);
  return { file, segments: chunks.length };
};

/**
 * HEVC bitstream pieces a HEIF carries: the decoder configuration (`hvcC`: parameter sets and the
 * NAL length size), tile data as length-prefixed NAL units, and the sequence parameter set's
 * picture size, chroma format, bit depth and colour description (VUI). Turned into an Annex-B
 * elementary stream (start codes), which any HEVC decoder reads. Pure; malformed input gives null.
 */

export interface HvcC {
  /** Bytes of each NAL unit's length prefix in the item data (1, 2 or 4). */
  readonly lengthSize: number;
  readonly chromaFormat: number;
  readonly bitDepthLuma: number;
  readonly bitDepthChroma: number;
  /** The parameter set NAL units (VPS, SPS, PPS, SEI...), in order. */
  readonly nals: readonly Buffer[];
}

export const NAL_VPS = 32;
export const NAL_SPS = 33;
export const NAL_PPS = 34;
export const nalType = (nal: Uint8Array): number => (nal[0]! >> 1) & 63;

/** `body` is the payload of an `hvcC` box. */
export const parseHvcC = (body: Buffer): HvcC | null => {
  if (body.length < 23 || body[0] !== 1) return null;
  const lengthSize = (body[21]! & 3) + 1;
  if (lengthSize === 3) return null;
  const nals: Buffer[] = [];
  let p = 23;
  for (let a = 0, n = body[22]!; a < n; a++) {
    if (p + 3 > body.length) return null;
    const count = body.readUInt16BE(p + 1);
    p += 3;
    for (let k = 0; k < count; k++) {
      if (p + 2 > body.length) return null;
      const len = body.readUInt16BE(p);
      p += 2;
      if (p + len > body.length || len < 2) return null;
      nals.push(body.subarray(p, p + len));
      p += len;
    }
  }
  return { lengthSize, chromaFormat: body[16]! & 3, bitDepthLuma: (body[17]! & 7) + 8, bitDepthChroma: (body[18]! & 7) + 8, nals };
};

const START = Buffer.from([0, 0, 0, 1]);

/** Length-prefixed NAL units → the same units with Annex-B start codes; null if a length overruns. */
export const toAnnexB = (data: Buffer, lengthSize: number): Buffer[] | null => {
  const out: Buffer[] = [];
  let p = 0;
  while (p < data.length) {
    if (p + lengthSize > data.length) return null;
    const len = data.readUIntBE(p, lengthSize);
    p += lengthSize;
    if (len === 0 || p + len > data.length) return null;
    out.push(START, data.subarray(p, p + len));
    p += len;
  }
  return out;
};

/** Parameter sets with start codes. */
export const parameterSets = (c: HvcC): Buffer[] => c.nals.flatMap((n) => [START, n]);

/** A NAL unit's payload without emulation prevention bytes (00 00 03 → 00 00). */
export const rbsp = (nal: Uint8Array): Uint8Array => {
  const out = new Uint8Array(nal.length);
  let n = 0;
  let zeros = 0;
  for (let i = 2; i < nal.length; i++) {
    const v = nal[i]!;
    if (zeros >= 2 && v === 3) {
      zeros = 0;
      continue;
    }
    zeros = v === 0 ? zeros + 1 : 0;
    out[n++] = v;
  }
  return out.subarray(0, n);
};

export class Bits {
  #p = 0;
  constructor(private readonly b: Uint8Array) {}
  u(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) {
      const byte = this.#p >> 3;
      if (byte >= this.b.length) throw new RangeError('end of SPS');
      v = v * 2 + ((this.b[byte]! >> (7 - (this.#p & 7))) & 1);
      this.#p++;
    }
    return v;
  }
  skip(n: number): void {
    this.#p += n;
    if (this.#p > this.b.length * 8) throw new RangeError('end of SPS');
  }
  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) if (++zeros > 31) throw new RangeError('bad Exp-Golomb code');
    return zeros ? 2 ** zeros - 1 + this.u(zeros) : 0;
  }
  se(): number {
    const k = this.ue();
    return k & 1 ? (k + 1) / 2 : -k / 2;
  }
}

export interface Sps {
  /** Picture size after the conformance window (what a decoder outputs). */
  readonly width: number;
  readonly height: number;
  readonly chromaFormat: number;
  readonly bitDepthLuma: number;
  readonly bitDepthChroma: number;
  /** From the VUI; null when the stream does not say. */
  readonly fullRange: boolean | null;
  readonly colour: { readonly primaries: number; readonly transfer: number; readonly matrix: number } | null;
}

const profileTierLevel = (r: Bits, maxSubLayersMinus1: number): void => {
  r.skip(88); // general profile space, tier, idc, compatibility and constraint flags
  r.skip(8); // general_level_idc
  const profile: boolean[] = [];
  const level: boolean[] = [];
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    profile.push(r.u(1) === 1);
    level.push(r.u(1) === 1);
  }
  if (maxSubLayersMinus1 > 0) for (let i = maxSubLayersMinus1; i < 8; i++) r.skip(2);
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    if (profile[i]) r.skip(88);
    if (level[i]) r.skip(8);
  }
};

const scalingListData = (r: Bits): void => {
  for (let sizeId = 0; sizeId < 4; sizeId++) {
    for (let matrixId = 0; matrixId < 6; matrixId += sizeId === 3 ? 3 : 1) {
      if (r.u(1) === 0) {
        r.ue(); // scaling_list_pred_matrix_id_delta
      } else {
        const coefs = Math.min(64, 1 << (4 + (sizeId << 1)));
        if (sizeId > 1) r.se(); // scaling_list_dc_coef_minus8
        for (let i = 0; i < coefs; i++) r.se();
      }
    }
  }
};

/** Reads the st_ref_pic_set()s of an SPS (only to get past them). */
const shortTermRefPicSets = (r: Bits, count: number): void => {
  const deltaPocs: number[] = [];
  for (let idx = 0; idx < count; idx++) {
    const inter = idx !== 0 && r.u(1) === 1;
    if (inter) {
      r.u(1); // delta_rps_sign
      r.ue(); // abs_delta_rps_minus1
      const ref = deltaPocs[idx - 1]!;
      let n = 0;
      for (let j = 0; j <= ref; j++) {
        const used = r.u(1) === 1;
        const useDelta = used || r.u(1) === 1;
        if (useDelta) n++;
      }
      deltaPocs.push(n);
    } else {
      const neg = r.ue();
      const pos = r.ue();
      if (neg > 16 || pos > 16) throw new RangeError('bad reference picture set');
      for (let i = 0; i < neg + pos; i++) {
        r.ue();
        r.u(1);
      }
      deltaPocs.push(neg + pos);
    }
  }
};

/** The parts of a sequence parameter set (a NAL unit with its 2-byte header) a picture's reader needs. */
export const readSps = (nal: Uint8Array): Sps | null => {
  try {
    if (nalType(nal) !== NAL_SPS) return null;
    const r = new Bits(rbsp(nal));
    r.u(4); // sps_video_parameter_set_id
    const maxSubLayersMinus1 = r.u(3);
    r.u(1);
    profileTierLevel(r, maxSubLayersMinus1);
    r.ue(); // sps_seq_parameter_set_id
    const chromaFormat = r.ue();
    if (chromaFormat > 3) return null;
    if (chromaFormat === 3 && r.u(1) === 1) return null; // separate colour planes: not for us
    let width = r.ue();
    let height = r.ue();
    if (r.u(1) === 1) {
      const subW = chromaFormat === 1 || chromaFormat === 2 ? 2 : 1;
      const subH = chromaFormat === 1 ? 2 : 1;
      const left = r.ue(), right = r.ue(), top = r.ue(), bottom = r.ue();
      width -= subW * (left + right);
      height -= subH * (top + bottom);
    }
    const bitDepthLuma = r.ue() + 8;
    const bitDepthChroma = r.ue() + 8;
    const log2MaxPocLsb = r.ue() + 4;
    const orderingAll = r.u(1) === 1;
    for (let i = orderingAll ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; i++) {
      r.ue();
      r.ue();
      r.ue();
    }
    r.ue(); // log2_min_luma_coding_block_size_minus3
    r.ue(); // log2_diff_max_min_luma_coding_block_size
    r.ue(); // log2_min_luma_transform_block_size_minus2
    r.ue(); // log2_diff_max_min_luma_transform_block_size
    r.ue(); // max_transform_hierarchy_depth_inter
    r.ue(); // max_transform_hierarchy_depth_intra
    if (r.u(1) === 1 && r.u(1) === 1) scalingListData(r);
    r.u(1); // amp_enabled_flag
    r.u(1); // sample_adaptive_offset_enabled_flag
    if (r.u(1) === 1) {
      r.u(4);
      r.u(4);
      r.ue();
      r.ue();
      r.u(1);
    }
    const sets = r.ue();
    if (sets > 64) return null;
    shortTermRefPicSets(r, sets);
    if (r.u(1) === 1) {
      const n = r.ue();
      if (n > 32) return null;
      for (let i = 0; i < n; i++) {
        r.u(log2MaxPocLsb);
        r.u(1);
      }
    }
    r.u(1); // sps_temporal_mvp_enabled_flag
    r.u(1); // strong_intra_smoothing_enabled_flag
    let fullRange: boolean | null = null;
    let colour: Sps['colour'] = null;
    if (r.u(1) === 1) {
      if (r.u(1) === 1 && r.u(8) === 255) r.skip(32); // aspect ratio (sar width, height)
      if (r.u(1) === 1) r.u(1); // overscan
      if (r.u(1) === 1) {
        r.u(3); // video_format
        fullRange = r.u(1) === 1;
        if (r.u(1) === 1) colour = { primaries: r.u(8), transfer: r.u(8), matrix: r.u(8) };
      }
    }
    if (!(width > 0 && height > 0)) return null;
    return { width, height, chromaFormat, bitDepthLuma, bitDepthChroma, fullRange, colour };
  } catch {
    return null;
  }
};

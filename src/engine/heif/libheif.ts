/**
 * A thin, typed layer over libheif compiled to WebAssembly (`libheif-js/wasm-bundle`, which embeds
 * the .wasm: nothing is fetched at run time). It calls libheif's C API directly (the exported
 * `_heif_*` functions) rather than the embind helpers, so that every handle and image is a plain
 * pointer we free ourselves, decoding options (such as `ignore_transformations`) can be set, and
 * the colour profile can be read. The module is loaded once, on first use.
 *
 * C functions that return `struct heif_error` take a hidden first argument (wasm32 ABI): a pointer
 * to 12 bytes that receive { int code; int subcode; const char* message }.
 */
import { createRequire } from 'node:module';

/** The part of the emscripten module this file uses (all pointers are numbers). */
interface HeifWasm {
  HEAPU8: Uint8Array;
  HEAP32: Int32Array;
  HEAPU32: Uint32Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  _heif_get_version_number(): number;
  _heif_context_alloc(): number;
  _heif_context_free(ctx: number): void;
  _heif_context_read_from_memory(err: number, ctx: number, data: number, size: number, options: number): void;
  _heif_context_get_number_of_top_level_images(ctx: number): number;
  _heif_context_get_list_of_top_level_image_IDs(ctx: number, ids: number, count: number): number;
  _heif_context_get_primary_image_ID(err: number, ctx: number, id: number): void;
  _heif_context_get_image_handle(err: number, ctx: number, id: number, out: number): void;
  _heif_image_handle_release(handle: number): void;
  _heif_image_handle_get_width(handle: number): number;
  _heif_image_handle_get_height(handle: number): number;
  _heif_image_handle_get_ispe_width(handle: number): number;
  _heif_image_handle_get_ispe_height(handle: number): number;
  _heif_image_handle_has_alpha_channel(handle: number): number;
  _heif_image_handle_is_premultiplied_alpha(handle: number): number;
  _heif_image_handle_get_number_of_thumbnails(handle: number): number;
  _heif_image_handle_get_number_of_depth_images(handle: number): number;
  _heif_image_handle_get_number_of_auxiliary_images(handle: number, filter: number): number;
  _heif_image_handle_get_list_of_auxiliary_image_IDs(handle: number, filter: number, ids: number, count: number): number;
  _heif_image_handle_get_auxiliary_image_handle(err: number, handle: number, id: number, out: number): void;
  _heif_image_handle_get_auxiliary_type(err: number, handle: number, out: number): void;
  _heif_image_handle_release_auxiliary_type(handle: number, type: number): void;
  _heif_image_handle_get_color_profile_type(handle: number): number;
  _heif_image_handle_get_raw_color_profile_size(handle: number): number;
  _heif_image_handle_get_raw_color_profile(err: number, handle: number, out: number): void;
  _heif_image_handle_get_nclx_color_profile(err: number, handle: number, out: number): void;
  _heif_nclx_color_profile_free(nclx: number): void;
  _heif_decoding_options_alloc(): number;
  _heif_decoding_options_free(options: number): void;
  _heif_decode_image(err: number, handle: number, out: number, colorspace: number, chroma: number, options: number): void;
  _heif_image_get_plane_readonly2(image: number, channel: number, stride: number): number;
  _heif_image_get_width(image: number, channel: number): number;
  _heif_image_get_height(image: number, channel: number): number;
  _heif_image_get_decoding_warnings(image: number, first: number, out: number, max: number): number;
  _heif_image_release(image: number): void;
}

const require = createRequire(import.meta.url);
let wasm: HeifWasm | null = null;

/** The libheif module, loaded (and its wasm compiled) on first use, then kept. */
export const libheif = (): HeifWasm => (wasm ??= require('libheif-js/wasm-bundle') as HeifWasm);

/**
 * Forget the module after a WebAssembly trap (out of bounds, out of memory, abort): its state is no
 * longer trustworthy, so the next decode loads a fresh instance.
 */
export const dropLibheif = (): void => {
  wasm = null;
};

// libheif constants (libheif/heif.h, stable across 1.x).
export const COLORSPACE_RGB = 1;
export const CHROMA_INTERLEAVED_RGBA = 11;
export const CHANNEL_INTERLEAVED = 10;
export const AUX_FILTER_OMIT_ALPHA = 1 << 1;
export const ERROR_OK = 0;
export const ERROR_UNSUPPORTED_FILETYPE = 3;
export const ERROR_UNSUPPORTED_FEATURE = 4;
export const ERROR_MEMORY_ALLOCATION = 6;
export const ERROR_DECODER_PLUGIN = 7;
export const SUBERROR_SECURITY_LIMIT = 1000;
export const SUBERROR_NO_MATCHING_DECODER = 6003;
export const SUBERROR_UNSUPPORTED_CODEC = 3000;
export const SUBERROR_UNSUPPORTED_IMAGE_TYPE = 3001;
export const fourcc = (n: number): string => String.fromCharCode((n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);

export interface HeifErr {
  readonly code: number;
  readonly subcode: number;
  readonly message: string;
}

export class LibheifError extends Error {
  constructor(readonly what: string, readonly err: HeifErr) {
    super(`${what}: ${err.message || `libheif error ${err.code}.${err.subcode}`}`);
    this.name = 'LibheifError';
  }
}

const cString = (h: HeifWasm, ptr: number, max = 4096): string => {
  if (!ptr) return '';
  let end = ptr;
  const heap = h.HEAPU8;
  while (end < heap.length && end - ptr < max && heap[end] !== 0) end++;
  return Buffer.from(heap.subarray(ptr, end)).toString('utf8');
};

/**
 * A scratch area in the wasm heap for out-parameters (error struct, out-pointers, id lists): one
 * allocation per decode, freed by `close()` together with everything registered through `defer`.
 */
export class Scope {
  private readonly cleanups: Array<() => void> = [];
  constructor(readonly h: HeifWasm) {}

  /** Allocate `size` bytes (zeroed) in the wasm heap, freed when the scope closes. */
  alloc(size: number): number {
    const p = this.h._malloc(Math.max(size, 4));
    if (!p) throw new LibheifError('out of decoder memory', { code: ERROR_MEMORY_ALLOCATION, subcode: 0, message: `could not allocate ${size} bytes` });
    this.h.HEAPU8.fill(0, p, p + size);
    this.defer(() => this.h._free(p));
    return p;
  }

  defer(fn: () => void): void {
    this.cleanups.push(fn);
  }

  /** Run a C function that returns struct heif_error; throws LibheifError unless it is heif_error_Ok. */
  call(what: string, fn: (err: number) => void): void {
    const err = this.h._malloc(16);
    try {
      this.h.HEAP32.fill(0, err >> 2, (err >> 2) + 3);
      fn(err);
      const e = this.readErr(err);
      if (e.code !== ERROR_OK) throw new LibheifError(what, e);
    } finally {
      this.h._free(err);
    }
  }

  readErr(ptr: number): HeifErr {
    const h = this.h;
    return { code: h.HEAP32[ptr >> 2]!, subcode: h.HEAP32[(ptr >> 2) + 1]!, message: cString(h, h.HEAPU32[(ptr >> 2) + 2]!) };
  }

  u32(ptr: number): number {
    return this.h.HEAPU32[ptr >> 2]!;
  }

  i32(ptr: number): number {
    return this.h.HEAP32[ptr >> 2]!;
  }

  cString(ptr: number): string {
    return cString(this.h, ptr);
  }

  /** Free everything, newest first. Never throws (a trapped module may refuse every call). */
  close(): void {
    for (const fn of this.cleanups.reverse()) {
      try {
        fn();
      } catch {
        /* the module is being dropped anyway */
      }
    }
    this.cleanups.length = 0;
  }
}

/** The one door to ffmpeg. */
export { resolveBinaries, type Binaries } from './binaries.js';
export { buildEncodeArgs, partialPath, X264_CRF, VP9_CRF, GIF_MAX_FPS, type EncodeSpec, type AudioSpec, type OutputFormat, type OutputQuality } from './encode-args.js';
export { parseProgressLine, type EncoderProgress } from './progress-line.js';
export { startEncoder, type Encoder, type EncoderOptions } from './encoder.js';
export { probeMedia, decodeFrames, topLevelBoxes, type ProbeResult } from './probe.js';

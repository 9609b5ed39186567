/** The one door to ffmpeg: every spawn of ffmpeg or ffprobe in Stillmotion goes through here. */
export { resolveBinaries, type Binaries } from './binaries.js';
export {
  X264_CRF, VP9_CRF, VP9_CPU_USED, DEFAULT_X264_PRESET, DEFAULT_THREADS, GIF_MAX_FPS, AUDIO_RATE,
  yuv420pFrameBytes, gifTiming, audioSamples, encodeNotes,
  type EncodeSpec, type EncodeInput, type AudioSpec, type OutputFormat, type OutputQuality,
} from './encode-spec.js';
export { partialPath } from './partial-path.js';
export { buildEncodeArgs } from './encode-args.js';
export { parseProgressLine, progressFolder, type EncodeProgress, type ProgressLine } from './progress-line.js';
export { startEncoder, type Encoder, type EncoderOptions, type EncodeResult } from './encoder.js';
export { runTool, type RunToolOptions, type ToolResult } from './run-tool.js';
export { probeMedia, type ProbeResult, type ProbeVideo, type ProbeAudio, type ProbeOptions } from './probe.js';
export { topLevelBoxes, moovBeforeMdat, type Box } from './mp4-boxes.js';
export { decodeFrames, type DecodeOptions } from './decode-frames.js';

/**
 * Allocator settings for the server process (glibc reads them when the process starts, so
 * `npm start` sets them before it starts node: scripts/start.js). libvips decodes on its own
 * threads, and glibc gives each thread an arena that keeps freed memory; big buffers also raise
 * glibc's mmap threshold until they stay on the heap. Two arenas, fixed thresholds: after a
 * 108-megapixel upload the process gives the memory back instead of staying at its peak.
 * Ignored by other C libraries (musl, macOS, Windows).
 */
export const ALLOCATOR_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_TRIM_THRESHOLD_: '131072',
  MALLOC_MMAP_THRESHOLD_: '131072',
};

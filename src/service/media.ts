/**
 * A session's media as the draft layer sees them: kinds, sizes, lengths, and each photo's analysis.
 * The analysis is made at upload and kept with the media; a photo uploaded before analyses were
 * kept is analysed at its first use and the result stored, so it is never made twice.
 */
import { analyseStill } from '../engine/index.js';
import type { MediaInfo } from '../timeline/index.js';
import type { MediaRow, Store } from '../store/store.js';
import type { Files } from '../media-storage/files.js';

export const mediaInfoOf = (m: MediaRow): MediaInfo => ({
  mediaId: m.id, kind: m.kind, name: m.name,
  ...(m.width !== null ? { width: m.width } : {}), ...(m.height !== null ? { height: m.height } : {}),
  ...(m.duration_ms !== null ? { durationMs: m.duration_ms } : {}),
  ...(m.has_audio === false ? { hasAudio: false } : {}),
  ...(m.analysis ? { analysis: m.analysis } : {}),
});

export const sessionMedia = async (o: { store: Store; files: Files; maxImageBytes: number; maxPixels: number }, sessionId: string): Promise<MediaInfo[]> => {
  const rows = await o.store.mediaOf(sessionId);
  const out: MediaInfo[] = [];
  for (const m of rows) {
    if (m.kind === 'image' && !m.analysis) {
      const analysis = await analyseStill(o.files.path('media', m.file), { maxImageBytes: o.maxImageBytes, maxPixels: o.maxPixels });
      await o.store.setMediaAnalysis(m.id, sessionId, analysis);
      out.push(mediaInfoOf({ ...m, analysis }));
    } else out.push(mediaInfoOf(m));
  }
  return out;
};

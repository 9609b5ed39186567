/** Per-role starting points: a style, a place and an entrance. */
import type { Canvas, TextAnimation, TextPosition, TextRole, TextStyle } from './types.js';

/**
 * Sizes are set from the canvas's short side (then expressed as a fraction of its height,
 * as TextStyle wants), so a title reads the same on 16:9, 1:1 and 9:16.
 */
export const defaultStyleFor = (role: TextRole, canvas: Canvas): TextStyle => {
  const short = Math.min(canvas.width, canvas.height) / canvas.height;
  switch (role) {
    case 'title':
      return {
        font: 'sans', weight: 900, size: 0.1 * short, color: '#ffffff', align: 'center', shadow: true,
        outline: { color: 'rgba(0,0,0,0.35)', width: 0.03 },
      };
    case 'caption':
      return {
        font: 'sans', weight: 700, size: 0.05 * short, color: '#ffffff', align: 'center',
        box: { color: '#000000', opacity: 0.6, padding: 0.35 },
      };
    case 'subtitle':
      return {
        font: 'sans', weight: 700, size: 0.045 * short, color: '#ffffff', align: 'center',
        outline: { color: '#000000', width: 0.08 },
      };
    case 'cta':
      return {
        font: 'sans', weight: 900, size: 0.06 * short, color: '#111111', align: 'center', shadow: true,
        box: { color: '#ffd60a', opacity: 1, padding: 0.45 },
      };
    case 'watermark':
      return { font: 'sans', weight: 700, size: 0.028 * short, color: 'rgba(255,255,255,0.6)', align: 'right' };
  }
};

export const defaultPositionFor = (role: TextRole): TextPosition =>
  ({ title: 'top', caption: 'lower-third', subtitle: 'bottom', cta: 'bottom', watermark: 'bottom-right' } as const)[role];

export const defaultAnimationFor = (role: TextRole): TextAnimation =>
  ({ title: 'fade', caption: 'fade', subtitle: 'none', cta: 'pop', watermark: 'none' } as const)[role];

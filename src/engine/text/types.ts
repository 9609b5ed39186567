/** Public types of the text layer. Sizes are fractions so one style fits every canvas. */

export const TEXT_FONTS = ['sans', 'serif', 'display'] as const;
export type TextFont = (typeof TEXT_FONTS)[number];
export const TEXT_WEIGHTS = [400, 700, 900] as const;
export type TextWeight = (typeof TEXT_WEIGHTS)[number];
export const TEXT_ALIGNS = ['left', 'center', 'right'] as const;

export interface TextStyle {
  font: TextFont;
  weight: TextWeight;
  /** Font size as a fraction of the canvas height (0.06 = 6 % of the height). */
  size: number;
  /** Any CSS colour: #rgb, #rrggbb, #rrggbbaa, rgb(), rgba() or a basic name. */
  color: string;
  /** Outline drawn behind the fill; width is a fraction of the font size. */
  outline?: { color: string; width: number };
  /** Soft drop shadow below-right of the glyphs. */
  shadow?: boolean;
  /** Rounded box behind the whole text block; padding is a fraction of the font size. */
  box?: { color: string; opacity: number; padding: number };
  align: (typeof TEXT_ALIGNS)[number];
}

/** Where a text sits: a 3x3 grid of the safe area, or the lower third. The one list of positions. */
export const TEXT_POSITIONS = ['top-left', 'top', 'top-right', 'left', 'center', 'right', 'bottom-left', 'bottom', 'bottom-right', 'lower-third'] as const;
export type TextPosition = (typeof TEXT_POSITIONS)[number];

export const TEXT_ANIMATIONS = ['none', 'fade', 'slide-up', 'pop', 'typewriter'] as const;
export type TextAnimation = (typeof TEXT_ANIMATIONS)[number];

export interface Canvas {
  readonly width: number;
  readonly height: number;
}

/**
 * A rendered piece of text, placed on a canvas: `rgba` is `width*height*4` bytes of
 * PREMULTIPLIED RGBA (straight from resvg/tiny-skia), whose top-left sits at (x, y) on the canvas.
 * The rectangle always lies inside the canvas (it is clipped to it).
 */
export interface TextOverlay {
  readonly rgba: Buffer;
  readonly width: number;
  readonly height: number;
  readonly x: number;
  readonly y: number;
  readonly premultiplied: true;
}

/** One text on the timeline, every choice made: drawn as it says, active on [startS, endS). */
export interface TextLayer {
  readonly text: string;
  readonly style: TextStyle;
  readonly position: TextPosition;
  readonly animation: TextAnimation;
  readonly startS: number;
  readonly endS: number;
}

/**
 * The background behind photos with transparency or letterboxing: a colour ("white background",
 * "background #1a1a1a", 白色背景, 白底), blurred ("blurred background", 背景模糊), or transparent
 * ("transparent background", "keep the transparency", 透明背景).
 */
import type { InstructionRequest } from './request.js';
import type { Scan } from './scan.js';

const COLOURS_EN = 'white|black|gr[ae]y|red|green|blue|yellow|pink';
const COLOURS_CN: Record<string, string> = { 白: 'white', 黑: 'black', 灰: 'gray', 红: 'red', 绿: 'green', 蓝: 'blue', 黄: 'yellow', 粉: 'pink' };
const HEX = '#[0-9a-f]{6}|#[0-9a-f]{3}(?![0-9a-z])';
const BG = '(?:background|backdrop|bg)';

const RE = new RegExp([
  // 1: colour before the noun; 2: after it.
  `(?<![a-z])(?:(?:an?|the)\\s+|on\\s+(?:an?\\s+|the\\s+)?)?(${COLOURS_EN}|${HEX})(?:\\s+colou?red)?\\s+${BG}(?![a-z])`,
  `(?<![a-z])${BG}(?:\\s+colou?r)?\\s*(?:to|in|of|=|:|as|should\\s+be|is|becomes?|->)?\\s*(?:be\\s+)?(${COLOURS_EN}|${HEX})(?![a-z])`,
  // 3: blurred.
  `(?<![a-z])(blur(?:red|ry)?\\s+${BG}|${BG}\\s+blur(?:red)?|blur\\s+(?:the\\s+)?${BG}|blurred\\s+(?:fill|bars|edges))(?![a-z])`,
  // 4: transparent.
  `(?<![a-z])(transparent\\s+(?:${BG}|video|output|webm|mov|overlay)|(?:keep|preserve|with)\\s+(?:the\\s+)?(?:transparency|alpha(?:\\s+channel)?)|${BG}\\s+transparent|no\\s+${BG}\\s+colou?r|alpha\\s+channel)(?![a-z])`,
  // 5, 6: Chinese colour (白色背景, 白底, 背景白色, 背景换成白色).
  `([白黑灰红绿蓝黄粉])色?(?:的)?(?:背景|底色|底)(?!片)`,
  `(?:背景|底色)(?:颜色)?(?:改成|换成|改为|设为|设成|用|是|为|要)?\\s*([白黑灰红绿蓝黄粉])色`,
  // 7: 模糊背景; 8: 透明背景.
  `(模糊(?:的)?背景|背景模糊|背景虚化|虚化背景)`,
  `(透明(?:的)?背景|背景透明|保留透明|透明通道|透明底)`,
].join('|'), 'g');

export const extractBackground = (scan: Scan, req: InstructionRequest): void => {
  scan.each(RE, (h) => {
    const g = h.m;
    const colour = g[1] ?? g[2];
    if (colour) req.background = { kind: 'color', color: colour.replace(/^grey$/, 'gray') };
    else if (g[3]) req.background = { kind: 'blur', color: null };
    else if (g[4]) req.background = { kind: 'transparent', color: null };
    else if (g[5] ?? g[6]) req.background = { kind: 'color', color: COLOURS_CN[(g[5] ?? g[6])!]! };
    else if (g[7]) req.background = { kind: 'blur', color: null };
    else if (g[8]) req.background = { kind: 'transparent', color: null };
    else return false;
    return true;
  });
};

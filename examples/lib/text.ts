/**
 * Text in the notebooks' PNGs (captions under images), with a 5×7 pixel font in the style of
 * the HD44780 character LCDs: capitals, digits and a little punctuation. Lower-case text is drawn
 * in capitals; characters without a glyph are drawn as '?'. The drawing itself is
 * @glimpse/train's `drawText` (which the report galleries use with X11's 6×13 font, lower case
 * included: pass `{ font: FIXED_6X13 }` or nothing to draw with that one instead).
 */
import type { PNG } from 'pngjs';
import { drawText as drawFontText, type BitmapFont } from '@glimpse/train/node';
import type { RGB } from './pictures.js';

/** Each glyph: its character, then 7 rows of 5 pixels, one base-32 digit per row (bit 4 = left). */
const GLYPHS = "Aehhhvhh Buhhuhhu Cehggghe Dsihhhis Evgguggv Fvgguggg Gehgnhhf Hhhhvhhh Ie44444e J72222ic Khikokih Lggggggv Mhrllhhh Nhhpljhh Oehhhhhe Puhhuggg Qehhhlid Ruhhukih Sfgge11u Tv444444 Uhhhhhhe Vhhhhha4 Whhhllla Xhha4ahh Yhhha444 Zv1248gv 0ehjlphe 14c4444e 2eh1248v 3v2421he 426aiv22 5vgu11he 668guhhe 7v124888 8ehhehhe 9ehhf12c .00000cc ,0000c48 -000v000 'c480000 #aavavaa ?eh12404 :0cc0cc0 (2488842 )8422248 =00v0v00 [e88888e ]e22222e /01248g0 +044v440 %op248j3 !4444404";

const FONT = new Map(GLYPHS.split(' ').map((g) => [g[0]!, Array.from(g.slice(1), (d) => parseInt(d, 32))]));

/** This font for @glimpse/train's text drawing: rows shifted left one bit, the spacing column on the right. */
export const LCD_5X7: BitmapFont = {
  name: 'HD44780-style 5x7 capitals',
  width: 6,
  height: 7,
  glyph: (ch) => (ch === ' ' ? [0, 0, 0, 0, 0, 0, 0] : FONT.get(ch)?.map((bits) => bits << 1)),
};

/** Width in pixels of `text` drawn at `scale` (6 columns per character: 5 + 1 of spacing). */
export const textWidth = (text: string, scale = 1): number => text.length * 6 * scale;

/** Draws `text` in capitals with its top-left corner at (x, y), each font pixel a scale×scale square. */
export function drawText(png: PNG, text: string, x: number, y: number, rgb: RGB = [0, 0, 0], scale = 1): void {
  drawFontText(png, text.toUpperCase(), x, y, { color: rgb, scale, font: LCD_5X7 });
}

/**
 * Text in PNG pictures (captions and queries in galleries) with a bitmap font, so a report's
 * pictures look the same everywhere and need no font installed.
 *
 * The font is the X Window System's classic "fixed" 6×13 (X.Org font-misc-misc, file
 * `6x13.pcf.gz`, whose licence reads "Public domain font. Share and enjoy."): printable ASCII,
 * lower case included, 6 pixels wide with the spacing built in, 13 tall (ascent 11, descent 2).
 * It was read out of the PCF file once; each glyph is stored as 13 rows, each row one base-64
 * digit (A–Z a–z 0–9 + /) whose 6 bits are the row's pixels, bit 5 the leftmost.
 */

/** A monospaced bitmap font: `glyph(ch)` gives `height` rows of `width` bits (bit width−1 = left). */
export interface BitmapFont {
  readonly name: string;
  /** Advance per character, spacing included. */
  readonly width: number;
  /** Line height: every glyph has this many rows. */
  readonly height: number;
  glyph(ch: string): readonly number[] | undefined;
}

const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Characters 32 (space) to 126 (~), 13 base-64 digits each. */
const FIXED_6X13_DATA =
  'AAAAAAAAAAAAAAAIIIIIIIAIAAAAUUUAAAAAAAAAAAUU+U+UUAAAAAIeoocKK8IAAAASqUEIQUqkAAAAAQooQomkaAAAAIIIAAAAAAAA' +
  'AEIIQQQQQIIEAAQIIEEEEEIIQAAAIqcqIAAAAAAAAAAII+IIAAAAAAAAAAAAAMIQAAAAAAA+AAAAAAAAAAAAAAAIcIAAACCEEIQQggAA' +
  'AAIUiiiiiUIAAAAIYoIIIII+AAAAciiCEIQg+AAAA+CEIcCCicAAAAEEMUUk+EEAAAA+ggsyCCicAAAAcigg8iiicAAAA+CEEIIQQQAA' +
  'AAciiiciiicAAAAciiieCCicAAAAAAIcIAAIcIAAAAAIcIAAMIQAAACEIQgQIECAAAAAAA+AA+AAAAAAgQIECEIQgAAAAciiCEIIAIAA' +
  'AAciimqqsgeAAAAIUiii+iiiAAAA8SSScSSS8AAAAcigggggicAAAA8SSSSSSS8AAAA+ggg8ggg+AAAA+ggg8ggggAAAAcigggmiicAA' +
  'AAiiii+iiiiAAAAcIIIIIIIcAAAAOEEEEEEkYAAAAiikowokiiAAAAgggggggg+AAAAii2qqiiiiAAAAiyyqqmmiiAAAAciiiiiiicAA' +
  'AA8iii8ggggAAAAciiiiiiqcCAAA8iii8okiiAAAAciggcCCicAAAA+IIIIIIIIAAAAiiiiiiiicAAAAiiiiUUUIIAAAAiiiiqqqqUAA' +
  'AAiiUUIUUiiAAAAiiUUIIIIIAAAA+CEEIQQg+AAAcQQQQQQQQQcAAAggQQIEECCAAAcEEEEEEEEEcAAAIUiAAAAAAAAAAAAAAAAAAA+A' +
  'AIEAAAAAAAAAAAAAAAcCeimaAAAAggg8iiii8AAAAAAAciggicAAAACCCeiiiieAAAAAAAci+gicAAAAMSQQ8QQQQAAAAAAAciiieCic' +
  'AAgggsyiiiiAAAAAIAYIIIIcAAAAAEAMEEEEkkYAAgggkowokiAAAAYIIIIIIIcAAAAAAA0qqqqiAAAAAAAsyiiiiAAAAAAAciiiicAA' +
  'AAAAA8iii8gggAAAAAeiiieCCCAAAAAsyggggAAAAAAAciYEicAAAAAQQ8QQQSMAAAAAAAiiiimaAAAAAAAiiiUUIAAAAAAAiiqqqUAA' +
  'AAAAAiUIIUiAAAAAAAiiimaCicAAAAA+EIQg+AAAGIIIIwIIIIGAAAIIIIIIIIIAAAwIIIIGIIIIwAAASqkAAAAAAAA';

const FIXED_6X13_GLYPHS: readonly (readonly number[])[] = Array.from({ length: 95 }, (_, i) =>
  Array.from(FIXED_6X13_DATA.slice(i * 13, i * 13 + 13), (d) => DIGITS.indexOf(d)),
);

/** X11's public-domain "fixed" 6×13 font (printable ASCII). */
export const FIXED_6X13: BitmapFont = {
  name: 'X11 misc-fixed 6x13',
  width: 6,
  height: 13,
  glyph: (ch) => {
    const code = ch.codePointAt(0)!;
    return ch.length === 1 && code >= 32 && code <= 126 ? FIXED_6X13_GLYPHS[code - 32] : undefined;
  },
};

const REPLACEMENTS: Record<string, string> = {
  '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"', '\u2013': '-', '\u2014': '-', '\u2026': '...',
  '\u00d7': 'x', '\u2192': '->', '\u2190': '<-', '\u00a0': ' ', '\u00df': 'ss', '\u00e6': 'ae', '\u00c6': 'AE', '\u00f8': 'o', '\u00d8': 'O',
};

/**
 * Text as the font can draw it: accents dropped (é → e, ñ → n, as in "piñata"), typographic
 * quotes, dashes, arrows and × spelled in ASCII, tabs and newlines as spaces; any other character
 * the font lacks becomes '?'.
 */
export function fontText(text: string, font: BitmapFont = FIXED_6X13): string {
  const plain = text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/\s/g, ' ');
  let out = '';
  for (const ch of plain) {
    const r = REPLACEMENTS[ch] ?? ch;
    for (const c of r) out += font.glyph(c) ? c : '?';
  }
  return out;
}

/** Width in pixels of `text` (after `fontText`) at `scale`. */
export function textWidth(text: string, scale = 1, font: BitmapFont = FIXED_6X13): number {
  return fontText(text, font).length * font.width * scale;
}

/** Pixels to draw on: RGB or RGBA bytes, row-major (an RgbImage, or a pngjs PNG's RGBA data). */
export interface Raster {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** How to draw text: colour, size (each font pixel a scale × scale square), faux bold, font. */
export interface TextStyle {
  color?: readonly [number, number, number];
  scale?: number;
  /** Draws each glyph twice, one pixel apart (a heading without a second font). */
  bold?: boolean;
  font?: BitmapFont;
}

/** The colour channels per pixel of a raster (3 or 4), from its size. */
export function rasterChannels(op: string, img: Raster): 3 | 4 {
  const n = img.width * img.height;
  if (img.data.length === n * 3) return 3;
  if (img.data.length === n * 4) return 4;
  throw new Error(`${op}: ${img.data.length} bytes are neither RGB nor RGBA for ${img.width}x${img.height}`);
}

/**
 * Draws one line of `text` with its top-left corner at (x, y) (the top of the line box: the
 * baseline is `ascent` below). Pixels outside the raster are skipped. Returns the width drawn.
 */
export function drawText(img: Raster, text: string, x: number, y: number, style: TextStyle = {}): number {
  const font = style.font ?? FIXED_6X13;
  const scale = style.scale ?? 1;
  const [r, g, b] = style.color ?? [0, 0, 0];
  const channels = rasterChannels('drawText', img);
  const plain = fontText(text, font);
  const put = (px: number, py: number) => {
    if (px < 0 || py < 0 || px >= img.width || py >= img.height) return;
    const at = (py * img.width + px) * channels;
    img.data[at] = r;
    img.data[at + 1] = g;
    img.data[at + 2] = b;
    if (channels === 4) img.data[at + 3] = 255;
  };
  let i = 0;
  for (const ch of plain) {
    const rows = font.glyph(ch)!;
    const left = x + i * font.width * scale;
    rows.forEach((bits, row) => {
      for (let c = 0; c < font.width; c++) {
        if (!((bits >> (font.width - 1 - c)) & 1)) continue;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            put(left + c * scale + dx, y + row * scale + dy);
            if (style.bold) put(left + c * scale + dx + 1, y + row * scale + dy);
          }
        }
      }
    });
    i++;
  }
  return i * font.width * scale;
}

/**
 * Word-wraps `text` (after `fontText`) into lines of at most `maxChars` characters; a word longer
 * than a line is cut. With `maxLines`, text that does not fit ends in "...".
 */
export function wrapText(text: string, maxChars: number, maxLines = Infinity, font: BitmapFont = FIXED_6X13): string[] {
  if (!Number.isInteger(maxChars) || maxChars < 4) throw new Error(`wrapText: maxChars must be an integer ≥ 4, got ${maxChars}`);
  const lines: string[] = [];
  let line = '';
  for (let word of fontText(text, font).trim().split(' ')) {
    if (word === '') continue;
    if (line !== '' && line.length + 1 + word.length <= maxChars) {
      line += ' ' + word;
      continue;
    }
    if (line !== '') lines.push(line);
    while (word.length > maxChars) {
      lines.push(word.slice(0, maxChars));
      word = word.slice(maxChars);
    }
    line = word;
  }
  if (line !== '') lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  let last = kept[maxLines - 1]!;
  // Make room for "...": drop the last word, or cut a line that is one word.
  if (last.length + 3 > maxChars) last = last.includes(' ') ? last.slice(0, last.lastIndexOf(' ')) : last.slice(0, maxChars - 3);
  kept[maxLines - 1] = last + '...';
  return kept;
}

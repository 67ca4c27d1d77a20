import { describe, expect, it } from 'vitest';
import { drawText, FIXED_6X13, fontText, textWidth, wrapText } from './font.js';
import { blankImage, drawImage, fitImage, pixelAt, scaleNearest, strokeRect } from './raster.js';

const bits = (rows: readonly number[]) => rows.reduce((n, r) => n + r.toString(2).replace(/0/g, '').length, 0);

describe('FIXED_6X13', () => {
  it('has every printable ASCII glyph, 13 rows of 6 bits, the last column empty (the spacing)', () => {
    for (let c = 32; c <= 126; c++) {
      const rows = FIXED_6X13.glyph(String.fromCharCode(c))!;
      expect(rows).toHaveLength(13);
      for (const r of rows) expect(r & 1).toBe(0);
      expect(rows.every((r) => r >= 0 && r < 64)).toBe(true);
      if (c !== 32) expect(bits(rows), String.fromCharCode(c)).toBeGreaterThan(0);
    }
    expect(bits(FIXED_6X13.glyph(' ')!)).toBe(0);
    expect(FIXED_6X13.glyph('é')).toBeUndefined();
    // A few glyphs as drawn in the X11 font: 'A', and 'g' with its descender below the baseline (row 11).
    const show = (ch: string) => FIXED_6X13.glyph(ch)!.map((r) => r.toString(2).padStart(6, '0').replace(/0/g, '.').replace(/1/g, '#'));
    expect(show('A').slice(2, 11)).toEqual(['..#...', '.#.#..', '#...#.', '#...#.', '#...#.', '#####.', '#...#.', '#...#.', '#...#.']);
    expect(show('g').slice(9)).toEqual(['.####.', '....#.', '#...#.', '.###..']);
  });
});

describe('fontText / wrapText / textWidth', () => {
  it('spells text in the font: accents dropped, typography in ASCII, unknown characters as ?', () => {
    expect(fontText('piñata  café\n“quoted” – it’s 2×3 → ok 😀')).toBe('pinata  cafe "quoted" - it\'s 2x3 -> ok ?');
    expect(textWidth('ñu', 2)).toBe(24);
  });

  it('wraps at word boundaries, cuts words longer than a line, and ends cut text with ...', () => {
    expect(wrapText('a smiling face with open mouth', 12)).toEqual(['a smiling', 'face with', 'open mouth']);
    expect(wrapText('supercalifragilistic x', 8)).toEqual(['supercal', 'ifragili', 'stic x']);
    expect(wrapText('one two three four five six', 9, 2)).toEqual(['one two', 'three...']);
    expect(wrapText('one two three four five six', 10, 2)).toEqual(['one two', 'three...']);
    expect(wrapText('abcdefghijkl mnop', 8, 1)).toEqual(['abcde...']);
    expect(wrapText('   ', 10)).toEqual([]);
    expect(() => wrapText('x', 2)).toThrow('wrapText: maxChars must be an integer ≥ 4');
  });
});

describe('drawText', () => {
  it('sets exactly the glyph pixels, in colour, at the position and scale asked, on RGB or RGBA', () => {
    const img = blankImage(40, 30);
    const width = drawText(img, 'Ag', 2, 3, { color: [200, 0, 0] });
    expect(width).toBe(12);
    let red = 0;
    for (let y = 0; y < 30; y++) for (let x = 0; x < 40; x++) if (pixelAt(img, x, y)[0] === 200) red++;
    expect(red).toBe(bits(FIXED_6X13.glyph('A')!) + bits(FIXED_6X13.glyph('g')!));
    // The apex of 'A' (row 2, column 2) at (2 + 2, 3 + 2).
    expect(pixelAt(img, 4, 5)).toEqual([200, 0, 0]);
    expect(pixelAt(img, 3, 5)).toEqual([255, 255, 255]);

    const rgba = { width: 20, height: 30, data: new Uint8Array(20 * 30 * 4) };
    drawText(rgba, 'A', 0, 0, { scale: 2, color: [1, 2, 3] });
    let on = 0;
    for (let i = 0; i < rgba.data.length; i += 4) if (rgba.data[i + 3] === 255) on++;
    expect(on).toBe(4 * bits(FIXED_6X13.glyph('A')!));
    expect(Array.from(rgba.data.subarray((5 * 20 + 4) * 4, (5 * 20 + 4) * 4 + 4))).toEqual([1, 2, 3, 255]);
    expect(() => drawText({ width: 2, height: 2, data: new Uint8Array(5) }, 'x', 0, 0)).toThrow('drawText: 5 bytes are neither RGB nor RGBA for 2x2');
  });

  it('clips at the edges instead of throwing', () => {
    const img = blankImage(5, 5);
    expect(() => drawText(img, 'WWW', -3, -4, { bold: true, scale: 3 })).not.toThrow();
  });
});

describe('raster', () => {
  it('strokes inside the rectangle, pastes with clipping, scales by whole factors', () => {
    const img = blankImage(10, 10, [0, 0, 0]);
    strokeRect(img, 1, 1, 6, 6, [9, 9, 9], 2);
    expect(pixelAt(img, 1, 1)).toEqual([9, 9, 9]);
    expect(pixelAt(img, 6, 6)).toEqual([9, 9, 9]);
    expect(pixelAt(img, 3, 3)).toEqual([0, 0, 0]);
    expect(pixelAt(img, 7, 7)).toEqual([0, 0, 0]);
    const src = blankImage(4, 4, [5, 6, 7]);
    drawImage(img, src, 8, -2);
    expect(pixelAt(img, 9, 1)).toEqual([5, 6, 7]);
    expect(pixelAt(img, 9, 2)).toEqual([0, 0, 0]);
    const two = scaleNearest({ width: 2, height: 1, data: Uint8Array.from([1, 1, 1, 2, 2, 2]) }, 3);
    expect([two.width, two.height]).toEqual([6, 3]);
    expect(pixelAt(two, 2, 2)).toEqual([1, 1, 1]);
    expect(pixelAt(two, 3, 0)).toEqual([2, 2, 2]);
    expect([fitImage(blankImage(20, 10), 64).width, fitImage(blankImage(20, 10), 64).height]).toEqual([60, 30]);
    expect([fitImage(blankImage(100, 50), 64).width, fitImage(blankImage(100, 50), 64).height]).toEqual([64, 32]);
  });
});

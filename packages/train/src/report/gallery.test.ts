import type { RgbImage } from '@glimpse/models';
import { describe, expect, it } from 'vitest';
import { decodePngRgba, encodePng } from '../data/png.js';
import { FIXED_6X13 } from './font.js';
import { captionGallery, GALLERY_COLORS, GALLERY_LAYOUT, retrievalGallery, retrievalHitBox, textToImageRows, type RetrievalRow } from './gallery.js';
import { blankImage, pixelAt, type Rgb } from './raster.js';

const { pad, border, gap, line } = GALLERY_LAYOUT;
const header = (title: boolean) => pad + (title ? line + 4 : 0) + line + 6;
const solid = (rgb: Rgb, size = 16): RgbImage => blankImage(size, size, rgb);
const RED: Rgb = [220, 30, 30];
const BLUE: Rgb = [30, 30, 220];
const YELLOW: Rgb = [240, 220, 20];
const PURPLE: Rgb = [120, 20, 160];
const same = (a: readonly number[], b: readonly number[]) => a[0] === b[0] && a[1] === b[1] && a[2] === b[2];

/** Pixels of `color` in rows [y0, y1). */
function countColour(img: RgbImage, color: Rgb, y0 = 0, y1 = img.height): number {
  let n = 0;
  for (let y = y0; y < y1; y++) for (let x = 0; x < img.width; x++) if (same(pixelAt(img, x, y), color)) n++;
  return n;
}

/** Every pixel of the ring `t` pixels wide just inside the square (x, y, size). */
function ring(x: number, y: number, size: number, t: number): [number, number][] {
  const out: [number, number][] = [];
  for (let dy = 0; dy < size; dy++) for (let dx = 0; dx < size; dx++) if (dx < t || dy < t || dx >= size - t || dy >= size - t) out.push([x + dx, y + dy]);
  return out;
}

describe('retrievalGallery', () => {
  const rows: RetrievalRow[] = [
    { query: 'a red square', hits: [{ image: solid(BLUE), correct: false, score: 0.9 }, { image: solid(RED), correct: true, score: 0.8 }, { image: solid(YELLOW), correct: false, score: 0.1 }] },
    // A long query over several lines; its own image is not in the top 3.
    { query: 'a purple square that the model did not find among the first three images it retrieved', correctRank: 7, hits: [{ image: solid(YELLOW), correct: false }, { image: solid(BLUE), correct: false }, { image: solid(RED), correct: false }] },
  ];
  const img = retrievalGallery(rows, { title: 'retrieval', cellSize: 64 });
  const size = 64 + 2 * border;

  it('has the size its layout gives', () => {
    const band = size + line; // one box plus its "#rank score" line; the long query wraps to ≤ 5 lines of 15 px
    expect(img.width).toBe(pad + 24 * 6 + gap + 3 * size + 2 * gap + pad);
    expect(img.height).toBe(header(true) + band + gap + band + pad);
    expect(retrievalHitBox(2, 0).x + size + pad).toBe(img.width);
  });

  it('outlines exactly the correct hit, in the correct colour, and frames the others thinly', () => {
    const top = header(true);
    const hit = retrievalHitBox(1, top);
    for (const [x, y] of ring(hit.x, hit.y, size, border)) expect(pixelAt(img, x, y)).toEqual([...GALLERY_COLORS.correct]);
    // No other correct-coloured pixel in either band's boxes: one ring's worth in all.
    expect(countColour(img, GALLERY_COLORS.correct, top, top + size)).toBe(size * size - (size - 2 * border) ** 2);
    const secondTop = top + size + line + gap;
    expect(countColour(img, GALLERY_COLORS.correct, secondTop, secondTop + size)).toBe(0);
    for (const [j, t] of [[0, top], [2, top], [0, secondTop], [1, secondTop], [2, secondTop]] as const) {
      const box = retrievalHitBox(j, t);
      for (const [x, y] of ring(box.x, box.y, size, 1)) expect(pixelAt(img, x, y)).toEqual([...GALLERY_COLORS.frame]);
      expect(pixelAt(img, box.x + 1, box.y + 1)).toEqual([...GALLERY_COLORS.background]);
    }
  });

  it('puts each hit inside its box, enlarged to the cell (16 px → 4× nearest)', () => {
    const expected: [number, number, Rgb][] = [[0, 0, BLUE], [1, 0, RED], [2, 0, YELLOW], [0, 1, YELLOW], [1, 1, BLUE], [2, 1, RED]];
    for (const [j, r, rgb] of expected) {
      const box = retrievalHitBox(j, header(true) + r * (size + line + gap));
      for (const [dx, dy] of [[0, 0], [63, 0], [0, 63], [63, 63], [32, 32]]) expect(pixelAt(img, box.x + border + dx!, box.y + border + dy!)).toEqual([...rgb]);
      expect(pixelAt(img, box.x + border - 1, box.y + (size >> 1))).not.toEqual([...rgb]);
    }
  });

  it('writes the query text in the left column and the rank of a missed image in grey', () => {
    const top = header(true);
    const queryColumn = (y0: number, y1: number, color: Rgb) => {
      let n = 0;
      for (let y = y0; y < y1; y++) for (let x = pad; x < pad + 24 * 6; x++) if (same(pixelAt(img, x, y), color)) n++;
      return n;
    };
    expect(queryColumn(top, top + line, GALLERY_COLORS.text)).toBeGreaterThan(50);
    const second = top + size + line + gap;
    expect(queryColumn(second, second + 4 * line, GALLERY_COLORS.text)).toBeGreaterThan(200);
    expect(queryColumn(second + 4 * line, second + 5 * line, GALLERY_COLORS.muted)).toBeGreaterThan(50); // "own image: rank 7"
  });

  it('survives a PNG round trip at its size', () => {
    const back = decodePngRgba(encodePng(img));
    expect([back.width, back.height]).toEqual([img.width, img.height]);
  });

  it('fits images of other sizes and shapes, and refuses empty input', () => {
    const wide = retrievalGallery([{ query: 'q', hits: [{ image: blankImage(200, 100, RED), correct: true }] }], { cellSize: 32 });
    const box = retrievalHitBox(0, header(false), { cellSize: 32 });
    // 200×100 → 32×16, centred vertically in the 32×32 cell.
    expect(pixelAt(wide, box.x + border + 16, box.y + border + 8)).toEqual([...RED]);
    expect(pixelAt(wide, box.x + border + 16, box.y + border + 23)).toEqual([...RED]);
    expect(pixelAt(wide, box.x + border + 16, box.y + border + 2)).toEqual([...GALLERY_COLORS.background]);
    expect(() => retrievalGallery([])).toThrow('retrievalGallery: no rows to draw');
    expect(() => retrievalGallery(rows, { cellSize: 3 })).toThrow('cellSize must be an integer ≥ 8');
  });
});

describe('textToImageRows', () => {
  it('ranks images per caption by score, marks the caption\'s own image and counts its rank as retrievalMetrics does', () => {
    const images = [solid(RED), solid(BLUE), solid(YELLOW), solid(PURPLE)];
    // scores [images, texts]: text 0 belongs to image 2, text 1 to image 0, text 2 to image 3.
    const scores = [
      [0.1, 0.9, 0.5],
      [0.7, 0.2, 0.5],
      [0.7, 0.3, 0.1],
      [0.2, 0.1, 0.0],
    ];
    const rows = textToImageRows({ scores, texts: ['t0', 't1', 't2'], textToImage: [2, 0, 3], images, queries: [0, 1, 2], k: 2 });
    expect(rows.map((r) => r.query)).toEqual(['t0', 't1', 't2']);
    // Ties (images 1 and 2 at 0.7) are broken by index; the own image's rank counts only strictly higher scores.
    expect(rows[0]!.hits.map((h) => [h.image, h.correct, h.score])).toEqual([[images[1], false, 0.7], [images[2], true, 0.7]]);
    expect(rows[0]!.correctRank).toBe(1);
    expect(rows[1]!.hits.map((h) => h.correct)).toEqual([true, false]);
    expect(rows[2]!.hits.map((h) => h.correct)).toEqual([false, false]);
    expect(rows[2]!.correctRank).toBe(4);
    expect(() => textToImageRows({ scores, texts: ['a'], textToImage: [0], images, queries: [0] })).toThrow('textToImageRows: scores have 3 text columns, texts 1 and textToImage 1');
  });
});

describe('captionGallery', () => {
  const items = [RED, BLUE, YELLOW, PURPLE, RED].map((rgb, i) => ({
    image: solid(rgb, 32),
    label: `item ${i}`,
    generated: i === 4 ? [{ label: 'beam', text: 'a red square' }, { label: 'nucleus', text: 'a square of red' }] : `a square number ${i}`,
    references: ['a coloured square', 'a square'],
  }));
  const img = captionGallery(items, { title: 'captions', columns: 4, cellSize: 64 });
  const cellW = 24 * 6;

  it('has the size its layout gives: 4 columns, 2 bands', () => {
    // Band 1: label, one generated line, two reference lines; band 2 adds a second generated caption.
    const band1 = 64 + 4 + 4 * line;
    const band2 = 64 + 4 + 5 * line;
    expect(img.width).toBe(2 * pad + 4 * cellW + 3 * 2 * gap);
    expect(img.height).toBe(header(true) + band1 + 2 * gap + band2 + pad);
  });

  it('puts each image at the top of its cell, centred, with its captions in their colours under it', () => {
    const rgbs = [RED, BLUE, YELLOW, PURPLE, RED];
    const band2Top = header(true) + 64 + 4 + 4 * line + 2 * gap;
    rgbs.forEach((rgb, i) => {
      const x = pad + (i % 4) * (cellW + 2 * gap);
      const y = i < 4 ? header(true) : band2Top;
      const left = x + (cellW - 64) / 2;
      expect(pixelAt(img, left, y)).toEqual([...rgb]);
      expect(pixelAt(img, left + 63, y + 63)).toEqual([...rgb]);
      expect(pixelAt(img, left - 1, y + 32)).toEqual([...GALLERY_COLORS.background]);
      const lines = i === 4 ? 5 : 4;
      const colours = [GALLERY_COLORS.muted, ...Array(lines - 3).fill(GALLERY_COLORS.generated), GALLERY_COLORS.reference, GALLERY_COLORS.reference];
      colours.forEach((c, k) => {
        const top = y + 64 + 4 + k * line;
        let n = 0;
        for (let yy = top; yy < top + FIXED_6X13.height; yy++) for (let xx = x; xx < x + cellW; xx++) if (same(pixelAt(img, xx, yy), c)) n++;
        expect(n, `item ${i} line ${k}`).toBeGreaterThan(20);
      });
    });
  });

  it('cuts long captions after maxLines and draws fewer columns for fewer items', () => {
    const long = 'word '.repeat(60);
    const one = captionGallery([{ image: solid(RED), generated: long, references: [long] }], { maxLines: 2, captionChars: 20 });
    expect(one.width).toBe(2 * pad + 20 * 6);
    expect(one.height).toBe(header(false) + 64 + 4 + 4 * line + pad);
  });
});

/**
 * Gallery pictures for a training report, drawn as RgbImage (write them with `encodePng` /
 * `writePng`): a retrieval gallery (text queries, each with the top-k images retrieved, the
 * query's own image outlined) and a caption gallery (images with the model's captions and the
 * reference captions under them). Text is drawn with the bitmap font of font.ts, so a gallery
 * is one self-contained PNG that every viewer shows the same.
 *
 * Layout (all in pixels; `GALLERY_LAYOUT` has the constants): a page margin of `pad`; a header
 * of pad + (title ? line + 4 : 0) + line + 6 (title, then a legend line); then one band per
 * row, bands `gap` apart (2·gap in the caption gallery), and `pad` at the bottom.
 * - Retrieval: the query text in a column `queryChars` characters wide, then k boxes of side
 *   cellSize + 2·border, `gap` apart, each holding its image fitted and centred, with
 *   "#rank score" under it; a band is max(box + line, text lines · line) tall. A correct hit's
 *   box is outlined `border` pixels thick in `GALLERY_COLORS.correct`; the others get a
 *   1-pixel `frame` line.
 * - Captions: `columns` cells of max(cellSize, captionChars · 6) wide, 2·gap apart; each is the
 *   image (fitted, centred at the top) and its lines of text under it, 4 pixels below; a band
 *   is cellSize + 4 + (most lines in the band) · line tall.
 */
import type { RgbImage } from '@glimpse/models';
import { readScores, type ScoreMatrix } from '../metrics/scores.js';
import { drawText, wrapText, FIXED_6X13 } from './font.js';
import { blankImage, drawImage, fillRect, fitImage, strokeRect, type Rgb } from './raster.js';

/** Colours of the galleries (the outline of a correct hit is Okabe–Ito bluish green: colour-blind safe). */
export const GALLERY_COLORS = {
  background: [255, 255, 255] as Rgb,
  text: [25, 25, 25] as Rgb,
  muted: [115, 115, 115] as Rgb,
  frame: [215, 215, 215] as Rgb,
  correct: [0, 158, 115] as Rgb,
  generated: [0, 84, 166] as Rgb,
  reference: [95, 95, 95] as Rgb,
};

/** Spacing of the galleries. */
export const GALLERY_LAYOUT = {
  /** Page margin. */
  pad: 10,
  /** Thickness of a correct hit's outline (the box is the cell plus this on every side). */
  border: 3,
  /** Between boxes, and between a row's text column and its first box. */
  gap: 8,
  /** Line advance of text (the font's 13 pixels + 2). */
  line: FIXED_6X13.height + 2,
};

/** One retrieved image: its pixels, whether it is a right answer, and its score. */
export interface RetrievalHit {
  readonly image: RgbImage;
  readonly correct: boolean;
  readonly score?: number;
}

/** A text query and its top-k images, best first. */
export interface RetrievalRow {
  readonly query: string;
  readonly hits: readonly RetrievalHit[];
  /** 1-based rank of the query's own image among all candidates; shown when it is not among the hits. */
  readonly correctRank?: number;
}

/** Options of `retrievalGallery`. */
export interface RetrievalGalleryOptions {
  title?: string;
  /** Side of the square each image is fitted into (default 64). */
  cellSize?: number;
  /** Width of the query column in characters (default 24). */
  queryChars?: number;
}

const { pad, border, gap, line } = GALLERY_LAYOUT;
const C = GALLERY_COLORS;
const CHAR = FIXED_6X13.width;

function checkCell(op: string, cellSize: number): void {
  if (!Number.isInteger(cellSize) || cellSize < 8) throw new Error(`${op}: cellSize must be an integer ≥ 8, got ${cellSize}`);
}

/** Height of the header: title (if any) and legend. */
function headerHeight(title: string | undefined): number {
  return pad + (title ? line + 4 : 0) + line + 6;
}

function drawHeader(img: RgbImage, title: string | undefined, legend: (x: number, y: number) => void): void {
  let y = pad;
  if (title) {
    drawText(img, title, pad, y, { color: C.text, bold: true });
    y += line + 4;
  }
  legend(pad, y);
}

/** Draws "text" and returns the x after it. */
function say(img: RgbImage, text: string, x: number, y: number, color: Rgb): number {
  return x + drawText(img, text, x, y, { color });
}

/** The box of hit j of a retrieval row that starts at y (left, top, side), as drawn by `retrievalGallery`. */
export function retrievalHitBox(j: number, rowTop: number, opts: RetrievalGalleryOptions = {}): { x: number; y: number; size: number } {
  const cellSize = opts.cellSize ?? 64;
  const queryChars = opts.queryChars ?? 24;
  const size = cellSize + 2 * border;
  return { x: pad + queryChars * CHAR + gap + j * (size + gap), y: rowTop, size };
}

/**
 * Draws text→image retrieval results: one row per query with its text on the left and its hits
 * in order, the correct image(s) outlined in `GALLERY_COLORS.correct`.
 */
export function retrievalGallery(rows: readonly RetrievalRow[], opts: RetrievalGalleryOptions = {}): RgbImage {
  const op = 'retrievalGallery';
  const cellSize = opts.cellSize ?? 64;
  const queryChars = opts.queryChars ?? 24;
  checkCell(op, cellSize);
  if (rows.length === 0) throw new Error(`${op}: no rows to draw`);
  const k = Math.max(...rows.map((r) => r.hits.length));
  if (k === 0) throw new Error(`${op}: no row has any hits`);
  const size = cellSize + 2 * border;
  const textLines = Math.max(1, Math.floor((size + line) / line));
  const layouts = rows.map((r) => {
    const extra = r.correctRank !== undefined && !r.hits.some((h) => h.correct) ? [`own image: rank ${r.correctRank}`] : [];
    const lines = wrapText(`"${r.query}"`, queryChars, Math.max(1, textLines - extra.length));
    return { lines, extra, height: Math.max(size + line, (lines.length + extra.length) * line) };
  });
  const top = headerHeight(opts.title);
  const width = retrievalHitBox(k - 1, 0, opts).x + size + pad;
  const height = top + layouts.reduce((h, l) => h + l.height + gap, 0) - gap + pad;
  const img = blankImage(width, height, C.background);

  drawHeader(img, opts.title, (x, y) => {
    strokeRect(img, x, y + 1, 11, 11, C.correct, border);
    x = say(img, ' the query\'s own image;', x + 12, y, C.text);
    say(img, ` the top ${k} retrieved, best first`, x, y, C.muted);
  });
  let y = top;
  rows.forEach((row, r) => {
    const l = layouts[r]!;
    if (r > 0) fillRect(img, pad, y - Math.ceil(gap / 2), width - 2 * pad, 1, C.frame);
    l.lines.forEach((text, i) => drawText(img, text, pad, y + i * line, { color: C.text }));
    l.extra.forEach((text, i) => drawText(img, text, pad, y + (l.lines.length + i) * line, { color: C.muted }));
    row.hits.forEach((hit, j) => {
      const box = retrievalHitBox(j, y, opts);
      const pic = fitImage(hit.image, cellSize);
      drawImage(img, pic, box.x + border + ((cellSize - pic.width) >> 1), box.y + border + ((cellSize - pic.height) >> 1));
      if (hit.correct) strokeRect(img, box.x, box.y, size, size, C.correct, border);
      else strokeRect(img, box.x, box.y, size, size, C.frame, 1);
      const label = hit.score === undefined ? `#${j + 1}` : `#${j + 1} ${hit.score.toFixed(2)}`;
      drawText(img, label.slice(0, Math.floor(size / CHAR)), box.x, box.y + size + 1, { color: hit.correct ? C.correct : C.muted });
    });
    y += l.height + gap;
  });
  return img;
}

/** Options of `textToImageRows`. */
export interface TextToImageRowsOptions {
  /** Scores [images, texts], as `retrievalMetrics` takes them. */
  scores: ScoreMatrix;
  /** Every caption (column of `scores`) and the image it belongs to. */
  texts: readonly string[];
  textToImage: readonly number[];
  /** The images (rows of `scores`), or a function that gives image i (called only for hits). */
  images: readonly RgbImage[] | ((i: number) => RgbImage);
  /** The captions to show as queries (indices into texts). */
  queries: readonly number[];
  /** Hits per query (default 5). */
  k?: number;
}

/**
 * Rows for `retrievalGallery` from a score matrix: for each query caption, the k images scoring
 * highest (ties broken by index), the caption's own image marked correct, and that image's rank
 * counted as `retrievalMetrics` does (1 + the number of images scoring strictly higher).
 */
export function textToImageRows(opts: TextToImageRowsOptions): RetrievalRow[] {
  const op = 'textToImageRows';
  const s = readScores(op, 'scores', opts.scores);
  const k = opts.k ?? 5;
  if (!Number.isInteger(k) || k < 1) throw new Error(`${op}: k must be a positive integer, got ${k}`);
  if (opts.texts.length !== s.cols || opts.textToImage.length !== s.cols) {
    throw new Error(`${op}: scores have ${s.cols} text columns, texts ${opts.texts.length} and textToImage ${opts.textToImage.length}`);
  }
  const image = typeof opts.images === 'function' ? opts.images : (i: number) => (opts.images as readonly RgbImage[])[i]!;
  if (typeof opts.images !== 'function' && opts.images.length !== s.rows) throw new Error(`${op}: scores have ${s.rows} image rows, images has ${opts.images.length}`);
  return opts.queries.map((t) => {
    if (!Number.isInteger(t) || t < 0 || t >= s.cols) throw new Error(`${op}: query ${t} is not a text index (there are ${s.cols})`);
    const own = opts.textToImage[t]!;
    const column = Array.from({ length: s.rows }, (_, i) => s.data[i * s.cols + t]!);
    const order = column.map((_, i) => i).sort((a, b) => column[b]! - column[a]! || a - b);
    const correctRank = 1 + column.filter((v) => v > column[own]!).length;
    const hits = order.slice(0, k).map((i) => ({ image: image(i), correct: i === own, score: column[i]! }));
    return { query: opts.texts[t]!, hits, correctRank };
  });
}

/** A caption from the model, optionally labelled (e.g. 'beam', 'nucleus'). */
export interface GeneratedCaption {
  readonly text: string;
  readonly label?: string;
}

/** An image with the model's caption(s) and the human-written reference(s). */
export interface CaptionGalleryItem {
  readonly image: RgbImage;
  readonly generated: string | readonly GeneratedCaption[];
  readonly references?: readonly string[];
  /** A short name drawn above the captions (an id, a category). */
  readonly label?: string;
}

/** Options of `captionGallery`. */
export interface CaptionGalleryOptions {
  title?: string;
  /** Images per row (default 4). */
  columns?: number;
  /** Side of the square each image is fitted into (default 64). */
  cellSize?: number;
  /** Width of a caption column in characters (default 24). */
  captionChars?: number;
  /** Lines per caption before it is cut with "..." (default 3). */
  maxLines?: number;
  /** References shown per image (default 2). */
  maxReferences?: number;
  /** What the header's legend calls the blue and the grey captions (default 'model caption', 'ref: human-written caption'). */
  legend?: { generated: string; reference: string };
}

/**
 * Draws images in a grid with, under each, its label (grey), the generated caption(s) (blue)
 * and the reference caption(s) (grey, after "ref:").
 */
export function captionGallery(items: readonly CaptionGalleryItem[], opts: CaptionGalleryOptions = {}): RgbImage {
  const op = 'captionGallery';
  const cellSize = opts.cellSize ?? 64;
  const columns = opts.columns ?? 4;
  const chars = opts.captionChars ?? 24;
  const maxLines = opts.maxLines ?? 3;
  const maxRefs = opts.maxReferences ?? 2;
  checkCell(op, cellSize);
  if (!Number.isInteger(columns) || columns < 1) throw new Error(`${op}: columns must be a positive integer, got ${columns}`);
  if (items.length === 0) throw new Error(`${op}: no items to draw`);
  const cellW = Math.max(cellSize, chars * CHAR);
  const cols = Math.min(columns, items.length);
  const texts = items.map((item) => {
    const lines: { text: string; color: Rgb }[] = [];
    if (item.label) for (const t of wrapText(item.label, chars, 1)) lines.push({ text: t, color: C.muted });
    const generated = typeof item.generated === 'string' ? [{ text: item.generated }] : item.generated;
    for (const g of generated) for (const t of wrapText(g.label ? `${g.label}: ${g.text}` : g.text, chars, maxLines)) lines.push({ text: t, color: C.generated });
    for (const ref of (item.references ?? []).slice(0, maxRefs)) for (const t of wrapText(`ref: ${ref}`, chars, maxLines)) lines.push({ text: t, color: C.reference });
    return lines;
  });
  const rowCount = Math.ceil(items.length / cols);
  const rowHeights = Array.from({ length: rowCount }, (_, r) => cellSize + 4 + Math.max(...texts.slice(r * cols, (r + 1) * cols).map((t) => t.length)) * line);
  const top = headerHeight(opts.title);
  const width = 2 * pad + cols * cellW + (cols - 1) * 2 * gap;
  const height = top + rowHeights.reduce((a, b) => a + b + 2 * gap, 0) - 2 * gap + pad;
  const img = blankImage(width, height, C.background);
  drawHeader(img, opts.title, (x, y) => {
    x = say(img, opts.legend?.generated ?? 'model caption', x, y, C.generated);
    x = say(img, ' / ', x, y, C.muted);
    say(img, opts.legend?.reference ?? 'ref: human-written caption', x, y, C.reference);
  });
  let y = top;
  rowHeights.forEach((h, r) => {
    if (r > 0) fillRect(img, pad, y - gap, width - 2 * pad, 1, C.frame);
    for (let c = 0; c < cols && r * cols + c < items.length; c++) {
      const i = r * cols + c;
      const x = pad + c * (cellW + 2 * gap);
      const pic = fitImage(items[i]!.image, cellSize);
      drawImage(img, pic, x + ((cellW - pic.width) >> 1), y + ((cellSize - pic.height) >> 1));
      texts[i]!.forEach((t, k) => drawText(img, t.text, x, y + cellSize + 4 + k * line, { color: t.color }));
    }
    y += h + 2 * gap;
  });
  return img;
}

/**
 * CapFilt's data, with noise we control: seeded shapes scenes (data/shapes.ts) split three ways.
 *
 *   web    the large split, standing in for alt-text scraped from the web: a stated fraction of
 *          its captions is false — swapped for another item's caption, or subtly wrong (one
 *          colour, the relation, or one object's shape changed) — and each item records what
 *          was done (`corruption`), so the filter can be scored for precision and recall;
 *   human  a small clean split, standing in for human-annotated COCO: what the captioner and
 *          the filter are fine-tuned on;
 *   test   a clean split no stage trains on, for the downstream evaluation.
 *
 * On disk (`writeCapFiltData`): `images/<split>/00000.png …` and one JSONL file per split with
 * {file, caption, …} rows, which `loadCaptionFile` and `glimpse train --data` read as they are;
 * the web rows add `noise` (the corruption kind, or null), `original` and `detail`, and every row
 * its `scene` (objects and relation), from which a caption's truth is checked (`captionTruth`).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readImage, writeFileAtomic } from '@glimpse/models/node';
import type { CaptionDataset } from '../data/dataset.js';
import { writePng } from '../data/png.js';
import { corruptCaptions, makeShapes, RELATIONS, SHAPE_COLORS, SHAPE_KINDS, type CorruptionKind, type Relation, type ShapeKind, type ShapesItem } from '../data/shapes.js';

/** What `makeCapFiltData` builds. */
export interface CapFiltDataOptions {
  seed: number;
  /** Canvas side in pixels. */
  imageSize: number;
  /** Images per split. */
  web: number;
  human: number;
  test: number;
  /** Fraction of web captions made false (each gets one corruption of `kinds` that applies to it, uniformly). */
  noise: number;
  kinds?: readonly CorruptionKind[];
  /** The world: colours and shapes drawn from (default all), and the share of two-object scenes (default 0.7). */
  colors?: readonly string[];
  shapes?: readonly ShapeKind[];
  pairProbability?: number;
}

/** The three splits; web items carry `corruption` where their caption is false. */
export interface CapFiltData {
  web: ShapesItem[];
  human: ShapesItem[];
  test: ShapesItem[];
}

/** One row of a split's JSONL file. */
export interface CapFiltRow {
  file: string;
  caption: string;
  /** What the image shows: objects as "colour shape" and the relation of the first to the second. */
  scene: { objects: string[]; relation: Relation | null };
  /** Web rows: how the caption was made false (null: it is true), the true caption and what changed. */
  noise?: CorruptionKind | null;
  original?: string;
  detail?: string;
}

/** A split read back: the dataset (images in memory) and its rows. */
export interface CapFiltSplit {
  dataset: CaptionDataset;
  rows: CapFiltRow[];
}

/** The seeded splits (see the file comment): one `makeShapes` draw cut into web, human and test; then the web captions corrupted. */
export function makeCapFiltData(o: CapFiltDataOptions): CapFiltData {
  const colors = o.colors ?? Object.keys(SHAPE_COLORS);
  const shapes = o.shapes ?? SHAPE_KINDS;
  const items = makeShapes({ count: o.web + o.human + o.test, seed: o.seed, size: o.imageSize, colors, shapes, ...(o.pairProbability !== undefined ? { pairProbability: o.pairProbability } : {}) });
  const { items: web } = corruptCaptions(items.slice(0, o.web), { fraction: o.noise, seed: o.seed + 1, colors, shapes, ...(o.kinds ? { kinds: o.kinds } : {}) });
  return { web, human: items.slice(o.web, o.web + o.human), test: items.slice(o.web + o.human) };
}

/** The scene of an item as the rows record it. */
export function sceneOf(item: Pick<ShapesItem, 'objects' | 'relation'>): CapFiltRow['scene'] {
  return { objects: item.objects.map((x) => `${x.color} ${x.shape}`), relation: item.relation ?? null };
}

/** The splits' names, in the order they are written. */
export const CAPFILT_SPLITS = ['web', 'human', 'test'] as const;
/** One split's name. */
export type CapFiltSplitName = (typeof CAPFILT_SPLITS)[number];

/** Writes `dir/images/<split>/*.png` and `dir/<split>.jsonl` for the three splits (see the file comment). */
export function writeCapFiltData(dir: string, data: CapFiltData): void {
  for (const split of CAPFILT_SPLITS) {
    const items = data[split];
    mkdirSync(join(dir, 'images', split), { recursive: true });
    const rows = items.map((it, i): CapFiltRow => {
      const file = `images/${split}/${String(i).padStart(5, '0')}.png`;
      writePng(join(dir, file), it.image);
      const row: CapFiltRow = { file, caption: it.caption, scene: sceneOf(it) };
      if (split === 'web') Object.assign(row, { noise: it.corruption?.kind ?? null, ...(it.corruption ? { original: it.corruption.original, detail: it.corruption.detail } : {}) });
      return row;
    });
    writeJsonl(join(dir, `${split}.jsonl`), rows);
  }
}

/** Reads one split written by `writeCapFiltData`: rows in order, images decoded into memory. */
export function readCapFiltSplit(dir: string, split: CapFiltSplitName): CapFiltSplit {
  const rows = readJsonl<CapFiltRow>(join(dir, `${split}.jsonl`));
  return {
    rows,
    dataset: {
      name: split,
      issues: [],
      images: rows.map((r) => ({ id: r.file, ref: { image: readImage(join(dir, r.file)) }, captions: [r.caption], meta: { noise: r.noise ?? 'none' } })),
    },
  };
}

/**
 * The split's items as `corruptCaptions` and the galleries take them: image, caption and the
 * scene's objects (colour and shape; positions are not recorded, so they read 0).
 */
export function splitItems(split: CapFiltSplit): ShapesItem[] {
  return split.rows.map((r, i) => {
    const objects = r.scene.objects.map((o) => {
      const [color, shape] = o.split(' ') as [string, ShapeKind];
      return { color, shape, cx: 0, cy: 0, radius: 0 };
    });
    const ref = split.dataset.images[i]!.ref;
    if (!('image' in ref)) throw new Error(`splitItems: image ${i} of ${split.dataset.name} is not in memory`);
    return { image: ref.image, caption: r.caption, objects, ...(r.scene.relation ? { relation: r.scene.relation } : {}) };
  });
}

/** Objects (and relation) a caption of the shapes grammar names, or undefined when it does not parse. */
export function parseShapesCaption(caption: string): { objects: string[]; relation: Relation | null } | undefined {
  const words = caption.trim().toLowerCase().split(/\s+/);
  const np = (at: number): [string, number] | undefined => {
    const [det, color, shape] = [words[at], words[at + 1], words[at + 2]];
    if ((det !== 'a' && det !== 'an') || color === undefined || shape === undefined) return undefined;
    if (!SHAPE_COLORS[color] || !(SHAPE_KINDS as readonly string[]).includes(shape)) return undefined;
    return [`${color} ${shape}`, at + 3];
  };
  const first = np(0);
  if (!first) return undefined;
  if (first[1] === words.length) return { objects: [first[0]], relation: null };
  for (const r of RELATIONS) {
    const rw = r.split(' ');
    if (rw.every((w, k) => words[first[1] + k] === w)) {
      const second = np(first[1] + rw.length);
      if (second && second[1] === words.length) return { objects: [first[0], second[0]], relation: r };
    }
  }
  return undefined;
}

const OPPOSITE: Record<Relation, Relation> = { 'left of': 'right of', 'right of': 'left of', above: 'below', below: 'above' };

/**
 * Whether a caption is true of a scene: 'correct' (names every object with its colour and shape,
 * and the relation, in either order: "A left of B" = "B right of A"), 'partial' (a two-object
 * scene described by one of its objects alone: true but incomplete), or 'wrong' (anything false,
 * or outside the grammar).
 */
export function captionTruth(caption: string, scene: CapFiltRow['scene']): 'correct' | 'partial' | 'wrong' {
  const c = parseShapesCaption(caption);
  if (!c) return 'wrong';
  const [a, b] = scene.objects;
  if (scene.objects.length === 1) return c.objects.length === 1 && c.objects[0] === a ? 'correct' : 'wrong';
  if (c.objects.length === 1) return c.objects[0] === a || c.objects[0] === b ? 'partial' : 'wrong';
  const [x, y] = c.objects;
  const same = x === a && y === b && c.relation === scene.relation;
  const swapped = x === b && y === a && c.relation === OPPOSITE[scene.relation!];
  return same || swapped ? 'correct' : 'wrong';
}

/** One JSON object per line, written atomically (temp file + rename; directories created). */
export function writeJsonl(path: string, rows: readonly unknown[]): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, new TextEncoder().encode(rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '')));
}

/** Reads a JSONL file written by `writeJsonl`. */
export function readJsonl<T>(path: string): T[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`capfilt: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); run the stage that writes it first`);
  }
  return text.split('\n').filter((l) => l.trim() !== '').map((l, i) => {
    try {
      return JSON.parse(l) as T;
    } catch (e) {
      throw new Error(`capfilt: ${path}:${i + 1}: ${(e as Error).message}`);
    }
  });
}

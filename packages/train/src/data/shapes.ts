/**
 * A seeded synthetic dataset for fast tests and controlled-noise experiments: one or two
 * coloured shapes on a small canvas, captioned with colour, shape and spatial relation —
 * "a red circle", "a red circle left of a blue square". Everything follows from the seed.
 *
 * Geometry guarantees, so that every caption is unambiguous: two objects never share both
 * colour and shape; they do not overlap; and for "left of"/"right of" the horizontal gap is
 * at least twice the vertical offset (likewise for "above"/"below"), so exactly one of the four
 * relations describes the pair.
 *
 * Noisy captions (`corruptCaptions`) replace a chosen fraction of captions with false ones and
 * record what was done, so a caption filter (CapFilt) can be scored for precision and recall:
 *   swap      another item's caption, one that is false for this image
 *   color     one object's colour changed       ("a green circle left of …")
 *   relation  the relation changed               ("… right of …", "… above …")
 *   object    one object's shape changed         ("a red triangle left of …")
 * Pure (no Node imports); `writeShapesFolder` (@glimpse/train/node) writes PNGs and a caption file.
 */
import type { RgbImage } from '@glimpse/models';
import { Generator } from '@glimpse/tensor';
import type { CaptionDataset } from './dataset.js';

/** The palette: well-separated colours that survive a 32-pixel canvas. */
export const SHAPE_COLORS: Readonly<Record<string, readonly [number, number, number]>> = {
  red: [220, 38, 38],
  green: [34, 160, 60],
  blue: [37, 90, 230],
  yellow: [240, 200, 20],
  purple: [140, 60, 190],
  orange: [245, 125, 20],
};

/** Shape names. */
export const SHAPE_KINDS = ['circle', 'square', 'triangle', 'diamond', 'star'] as const;
/** One of SHAPE_KINDS. */
export type ShapeKind = (typeof SHAPE_KINDS)[number];

/** Relations of the first object to the second. */
export const RELATIONS = ['left of', 'right of', 'above', 'below'] as const;
/** One of RELATIONS. */
export type Relation = (typeof RELATIONS)[number];

/** One shape on the canvas (pixel units; (0, 0) is the top-left corner). */
export interface ShapeObject {
  readonly shape: ShapeKind;
  readonly color: string;
  readonly cx: number;
  readonly cy: number;
  /** Half the shape's extent. */
  readonly radius: number;
}

/** How a caption was made false. */
export interface Corruption {
  readonly kind: CorruptionKind;
  /** The true caption it replaced. */
  readonly original: string;
  /** What changed, e.g. 'color of the circle: red → green', 'caption of item 17'. */
  readonly detail: string;
}

/** The ways `corruptCaptions` falsifies a caption. */
export type CorruptionKind = 'swap' | 'color' | 'relation' | 'object';

/** One rendered item. */
export interface ShapesItem {
  readonly image: RgbImage;
  readonly caption: string;
  readonly objects: readonly ShapeObject[];
  /** How objects[0] relates to objects[1] (two-object items only). */
  readonly relation?: Relation;
  /** Set by `corruptCaptions` on items whose caption is false. */
  readonly corruption?: Corruption;
}

/** Options of `makeShapes`. */
export interface ShapesOptions {
  count: number;
  seed?: number;
  /** Canvas side in pixels (default 32). */
  size?: number;
  /** Probability that an item has two objects and a relation (default 0.7; else one object). */
  pairProbability?: number;
  /** Subsets to draw from (default: all). */
  colors?: readonly string[];
  shapes?: readonly ShapeKind[];
  relations?: readonly Relation[];
  /** Canvas colour (default white). */
  background?: readonly [number, number, number];
}

/** "a red circle" / "an orange star left of a blue square". */
export function describeShapes(objects: readonly Pick<ShapeObject, 'shape' | 'color'>[], relation?: Relation): string {
  const np = (o: Pick<ShapeObject, 'shape' | 'color'>) => `${/^[aeiou]/.test(o.color) ? 'an' : 'a'} ${o.color} ${o.shape}`;
  if (objects.length === 1) return np(objects[0]!);
  if (objects.length === 2 && relation) return `${np(objects[0]!)} ${relation} ${np(objects[1]!)}`;
  throw new Error(`describeShapes: expected one object, or two and a relation`);
}

const OPPOSITE: Record<Relation, Relation> = { 'left of': 'right of', 'right of': 'left of', above: 'below', below: 'above' };

/** The same scene whichever object is named first: for comparing captions' meaning. */
function sceneKey(objects: readonly { shape: string; color: string }[], relation?: Relation): string {
  const np = (o: { shape: string; color: string }) => `${o.color} ${o.shape}`;
  if (objects.length === 1 || !relation) return np(objects[0]!);
  const a = `${np(objects[0]!)} ${relation} ${np(objects[1]!)}`;
  const b = `${np(objects[1]!)} ${OPPOSITE[relation]} ${np(objects[0]!)}`;
  return a < b ? a : b;
}

/** A five-pointed star: 10 vertices alternating between radius 1 and 0.45, the first point up. */
const STAR: readonly (readonly [number, number])[] = Array.from({ length: 10 }, (_, i) => {
  const r = i % 2 === 0 ? 1 : 0.45;
  const a = (i * Math.PI) / 5;
  return [r * Math.sin(a), -r * Math.cos(a)] as const;
});

/** Even–odd ray casting. */
function insidePolygon(poly: readonly (readonly [number, number])[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!;
    const [xj, yj] = poly[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether a point (pixel units) lies inside a shape. */
function inside(o: ShapeObject, x: number, y: number): boolean {
  const dx = (x - o.cx) / o.radius;
  const dy = (y - o.cy) / o.radius;
  switch (o.shape) {
    case 'circle':
      return dx * dx + dy * dy <= 1;
    case 'square':
      return Math.abs(dx) <= 0.85 && Math.abs(dy) <= 0.85;
    case 'diamond':
      return Math.abs(dx) + Math.abs(dy) <= 1;
    case 'triangle':
      // Apex up at (0, −1), base from (−1, 0.8) to (1, 0.8).
      return dy <= 0.8 && Math.abs(dx) <= (dy + 1) / 1.8;
    case 'star':
      return insidePolygon(STAR, dx, dy);
  }
}

/** Draws objects over a background, 4×4 supersampled (anti-aliased edges). */
export function renderShapes(objects: readonly ShapeObject[], size: number, background: readonly [number, number, number] = [255, 255, 255]): RgbImage {
  if (!Number.isInteger(size) || size < 4) throw new Error(`renderShapes: size must be an integer ≥ 4, got ${size}`);
  const acc = new Float64Array(size * size * 3);
  for (let i = 0; i < size * size; i++) acc.set(background, i * 3);
  const S = 4;
  for (const o of objects) {
    const color = SHAPE_COLORS[o.color];
    if (!color) throw new Error(`renderShapes: unknown colour '${o.color}' (known: ${Object.keys(SHAPE_COLORS).join(', ')})`);
    const x0 = Math.max(0, Math.floor(o.cx - o.radius - 1));
    const x1 = Math.min(size - 1, Math.ceil(o.cx + o.radius + 1));
    const y0 = Math.max(0, Math.floor(o.cy - o.radius - 1));
    const y1 = Math.min(size - 1, Math.ceil(o.cy + o.radius + 1));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        let hits = 0;
        for (let sy = 0; sy < S; sy++) for (let sx = 0; sx < S; sx++) if (inside(o, x + (sx + 0.5) / S, y + (sy + 0.5) / S)) hits++;
        if (hits === 0) continue;
        const a = hits / (S * S);
        const p = (y * size + x) * 3;
        for (let c = 0; c < 3; c++) acc[p + c] = a * color[c]! + (1 - a) * acc[p + c]!;
      }
    }
  }
  const data = new Uint8Array(acc.length);
  for (let i = 0; i < acc.length; i++) data[i] = Math.round(acc[i]!);
  return { width: size, height: size, data };
}

function pick<T>(g: Generator, list: readonly T[]): T {
  return list[g.integer(0, list.length)]!;
}

/** Places two objects so that `relation` holds clearly (see the file comment); undefined if it did not fit. */
function placePair(g: Generator, size: number, r0: number, r1: number, relation: Relation): [number, number, number, number] | undefined {
  for (let attempt = 0; attempt < 50; attempt++) {
    const minGap = r0 + r1 + 1;
    const along = minGap + g.uniform() * Math.max(0, size - 2 - r0 - r1 - minGap);
    const across = (g.uniform() * 2 - 1) * (along / 2);
    // The first object's offset from the second: negative along the axis for left of / above.
    const sign = relation === 'left of' || relation === 'above' ? -1 : 1;
    const horizontal = relation === 'left of' || relation === 'right of';
    const dx = horizontal ? sign * along : across;
    const dy = horizontal ? across : sign * along;
    // Centre of the pair, chosen so both fit on the canvas.
    const lo0x = Math.max(r0 + 1 - dx / 2, r1 + 1 + dx / 2);
    const hi0x = Math.min(size - 1 - r0 - dx / 2, size - 1 - r1 + dx / 2);
    const lo0y = Math.max(r0 + 1 - dy / 2, r1 + 1 + dy / 2);
    const hi0y = Math.min(size - 1 - r0 - dy / 2, size - 1 - r1 + dy / 2);
    if (hi0x < lo0x || hi0y < lo0y) continue;
    const mx = lo0x + g.uniform() * (hi0x - lo0x);
    const my = lo0y + g.uniform() * (hi0y - lo0y);
    return [mx + dx / 2, my + dy / 2, mx - dx / 2, my - dy / 2];
  }
  return undefined;
}

/** `count` seeded items; see the file comment. */
export function makeShapes(opts: ShapesOptions): ShapesItem[] {
  const { count } = opts;
  if (!Number.isInteger(count) || count < 0) throw new Error(`makeShapes: count must be a non-negative integer, got ${count}`);
  const size = opts.size ?? 32;
  const colors = opts.colors ?? Object.keys(SHAPE_COLORS);
  const shapes = opts.shapes ?? SHAPE_KINDS;
  const relations = opts.relations ?? RELATIONS;
  const pairP = opts.pairProbability ?? 0.7;
  for (const c of colors) if (!SHAPE_COLORS[c]) throw new Error(`makeShapes: unknown colour '${c}' (known: ${Object.keys(SHAPE_COLORS).join(', ')})`);
  for (const s of shapes) if (!SHAPE_KINDS.includes(s)) throw new Error(`makeShapes: unknown shape '${s}' (known: ${SHAPE_KINDS.join(', ')})`);
  for (const r of relations) if (!RELATIONS.includes(r)) throw new Error(`makeShapes: unknown relation '${r}' (known: ${RELATIONS.join(', ')})`);
  if (colors.length * shapes.length < 2 && pairP > 0) throw new Error('makeShapes: two objects need at least two colour/shape combinations');
  const g = new Generator(opts.seed ?? 0);
  const items: ShapesItem[] = [];
  while (items.length < count) {
    if (g.uniform() < pairP) {
      const a = { shape: pick(g, shapes), color: pick(g, colors) };
      let b = { shape: pick(g, shapes), color: pick(g, colors) };
      while (b.shape === a.shape && b.color === a.color) b = { shape: pick(g, shapes), color: pick(g, colors) };
      const r0 = size * (0.12 + 0.06 * g.uniform());
      const r1 = size * (0.12 + 0.06 * g.uniform());
      const relation = pick(g, relations);
      const at = placePair(g, size, r0, r1, relation);
      if (!at) continue;
      const objects: ShapeObject[] = [
        { ...a, cx: at[0], cy: at[1], radius: r0 },
        { ...b, cx: at[2], cy: at[3], radius: r1 },
      ];
      items.push({ image: renderShapes(objects, size, opts.background), caption: describeShapes(objects, relation), objects, relation });
    } else {
      const radius = size * (0.18 + 0.12 * g.uniform());
      const cx = radius + 1 + g.uniform() * (size - 2 - 2 * radius);
      const cy = radius + 1 + g.uniform() * (size - 2 - 2 * radius);
      const objects: ShapeObject[] = [{ shape: pick(g, shapes), color: pick(g, colors), cx, cy, radius }];
      items.push({ image: renderShapes(objects, size, opts.background), caption: describeShapes(objects), objects });
    }
  }
  return items;
}

/** Options of `corruptCaptions`. */
export interface CorruptOptions {
  /** Fraction of items to corrupt (rounded to a count). */
  fraction: number;
  seed?: number;
  /** Which corruptions to use (default all); each chosen item gets one that applies to it, uniformly. */
  kinds?: readonly CorruptionKind[];
  /** Palette and shapes a changed attribute is drawn from (default: all). */
  colors?: readonly string[];
  shapes?: readonly ShapeKind[];
}

/**
 * A copy of `items` where round(fraction · n) captions, chosen by the seed, are false; those
 * items carry `corruption` (kind, original caption, what changed). Returns the items and the
 * indices corrupted. Relations are only corrupted on two-object items; a swap takes another
 * item's caption whose meaning differs.
 */
export function corruptCaptions(items: readonly ShapesItem[], opts: CorruptOptions): { items: ShapesItem[]; corrupted: number[] } {
  const { fraction } = opts;
  if (!(fraction >= 0 && fraction <= 1)) throw new Error(`corruptCaptions: fraction must be in [0, 1], got ${fraction}`);
  const kinds = opts.kinds ?? (['swap', 'color', 'relation', 'object'] as const);
  if (kinds.length === 0 || kinds.some((k) => !['swap', 'color', 'relation', 'object'].includes(k))) throw new Error(`corruptCaptions: kinds must be some of swap, color, relation, object; got ${JSON.stringify(kinds)}`);
  const colors = opts.colors ?? Object.keys(SHAPE_COLORS);
  const shapes = opts.shapes ?? SHAPE_KINDS;
  const g = new Generator(opts.seed ?? 0);
  const n = items.length;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = g.integer(0, i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const chosen = order.slice(0, Math.round(fraction * n)).sort((a, b) => a - b);
  const out = items.slice();
  const keys = items.map((it) => sceneKey(it.objects, it.relation));
  const corrupted: number[] = [];
  for (const i of chosen) {
    const it = items[i]!;
    const applicable = kinds.filter((k) => (k === 'relation' ? it.objects.length === 2 && it.relation !== undefined : k === 'swap' ? keys.some((key) => key !== keys[i]) : true));
    if (applicable.length === 0) continue;
    const kind = pick(g, applicable);
    let caption: string;
    let detail: string;
    if (kind === 'swap') {
      let j = g.integer(0, n);
      while (keys[j] === keys[i]) j = g.integer(0, n);
      caption = items[j]!.caption;
      detail = `caption of item ${j}`;
    } else if (kind === 'relation') {
      const relation = pick(g, RELATIONS.filter((r) => r !== it.relation));
      caption = describeShapes(it.objects, relation);
      detail = `relation: ${it.relation} → ${relation}`;
    } else {
      const k = g.integer(0, it.objects.length);
      const o = it.objects[k]!;
      const other = it.objects[1 - k];
      // The changed object must not become the other object (the caption would still describe the other one).
      const options =
        kind === 'color'
          ? colors.filter((c) => c !== o.color && !(other && other.shape === o.shape && other.color === c))
          : shapes.filter((s) => s !== o.shape && !(other && other.color === o.color && other.shape === s));
      if (options.length === 0) continue;
      const value = pick(g, options as readonly string[]);
      const changed = it.objects.map((x, m) => (m === k ? { ...x, ...(kind === 'color' ? { color: value } : { shape: value as ShapeKind }) } : x));
      caption = describeShapes(changed, it.relation);
      detail = kind === 'color' ? `color of the ${o.shape}: ${o.color} → ${value}` : `shape of the ${o.color} ${o.shape}: ${o.shape} → ${value}`;
    }
    out[i] = { ...it, caption, corruption: { kind, original: it.caption, detail } };
    corrupted.push(i);
  }
  return { items: out, corrupted };
}

/** Items as a CaptionDataset (images in memory; meta: shapes, colours, relation, corruption kind). */
export function shapesDataset(items: readonly ShapesItem[], name = 'shapes'): CaptionDataset {
  return {
    name,
    issues: [],
    images: items.map((it, i) => ({
      id: String(i),
      ref: { image: it.image },
      captions: [it.caption],
      meta: {
        shape: it.objects[0]!.shape,
        color: it.objects[0]!.color,
        objects: String(it.objects.length),
        relation: it.relation ?? 'none',
        corruption: it.corruption?.kind ?? 'none',
      },
    })),
  };
}

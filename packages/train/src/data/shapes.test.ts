import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readImage } from '@glimpse/models/node';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCaptionFolder } from './caption-files.js';
import { corruptCaptions, describeShapes, makeShapes, renderShapes, SHAPE_COLORS, shapesDataset, type ShapeObject } from './shapes.js';
import { writeShapesFolder } from './shapes-io.js';

const tmp = mkdtempSync(join(tmpdir(), 'glimpse-shapes-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Fraction of an object's bounding box painted in (close to) its colour. */
function colourAt(img: { width: number; data: Uint8Array }, x: number, y: number): [number, number, number] {
  const p = (Math.round(y) * img.width + Math.round(x)) * 3;
  return [img.data[p]!, img.data[p + 1]!, img.data[p + 2]!];
}

describe('makeShapes', () => {
  const items = makeShapes({ count: 300, seed: 3 });

  it('is a function of the seed', () => {
    const again = makeShapes({ count: 300, seed: 3 });
    expect(again.map((i) => i.caption)).toEqual(items.map((i) => i.caption));
    expect(Buffer.from(again[17]!.image.data).equals(Buffer.from(items[17]!.image.data))).toBe(true);
    expect(makeShapes({ count: 20, seed: 4 }).map((i) => i.caption)).not.toEqual(items.slice(0, 20).map((i) => i.caption));
  });

  it('captions say colour, shape and relation; about 70% are pairs', () => {
    const pairs = items.filter((i) => i.objects.length === 2);
    expect(pairs.length / items.length).toBeGreaterThan(0.6);
    expect(pairs.length / items.length).toBeLessThan(0.8);
    for (const it of items) {
      expect(it.caption).toMatch(/^(a (red|green|blue|yellow|purple)|an orange) (circle|square|triangle|diamond|star)( (left of|right of|above|below) an? \w+ \w+)?$/);
      expect(it.caption).toBe(describeShapes(it.objects, it.relation));
    }
  });

  it('every relation holds clearly, objects are distinct, inside the canvas, and painted in their colour', () => {
    for (const it of items) {
      for (const o of it.objects) {
        expect(o.cx - o.radius).toBeGreaterThanOrEqual(0);
        expect(o.cx + o.radius).toBeLessThanOrEqual(32);
        expect(o.cy - o.radius).toBeGreaterThanOrEqual(0);
        expect(o.cy + o.radius).toBeLessThanOrEqual(32);
        // The centre pixel carries the object's colour (every shape covers its centre).
        const got = colourAt(it.image, o.cx - 0.5, o.cy - 0.5);
        const want = SHAPE_COLORS[o.color]!;
        expect(Math.max(...got.map((v, c) => Math.abs(v - want[c]!)))).toBeLessThan(40);
      }
      if (it.objects.length === 2) {
        const [a, b] = it.objects as [ShapeObject, ShapeObject];
        expect(a.shape === b.shape && a.color === b.color).toBe(false);
        const dx = a.cx - b.cx;
        const dy = a.cy - b.cy;
        const along = { 'left of': -dx, 'right of': dx, above: -dy, below: dy }[it.relation!];
        const across = it.relation === 'left of' || it.relation === 'right of' ? Math.abs(dy) : Math.abs(dx);
        expect(along).toBeGreaterThan(a.radius + b.radius);
        expect(across).toBeLessThanOrEqual(along / 2 + 1e-9);
      }
    }
  });

  it('renders every shape with anti-aliased edges over the background', () => {
    for (const shape of ['circle', 'square', 'triangle', 'diamond', 'star'] as const) {
      const img = renderShapes([{ shape, color: 'blue', cx: 16, cy: 16, radius: 10 }], 32);
      const values = new Set<number>();
      let painted = 0;
      for (let i = 0; i < 32 * 32; i++) {
        values.add(img.data[i * 3]!);
        if (img.data[i * 3 + 2]! > 200 && img.data[i * 3]! < 100) painted++;
      }
      expect(painted, shape).toBeGreaterThan(60);
      expect(values.size, shape).toBeGreaterThanOrEqual(3); // edge pixels between the two colours
      expect(colourAt(img, 0, 0)).toEqual([255, 255, 255]);
    }
  });
});

describe('corruptCaptions', () => {
  const items = makeShapes({ count: 400, seed: 11 });

  it('corrupts round(fraction · n) items, records what it did, and leaves the rest alone', () => {
    const { items: noisy, corrupted } = corruptCaptions(items, { fraction: 0.25, seed: 2 });
    expect(corrupted.length).toBe(100);
    const kinds = new Map<string, number>();
    noisy.forEach((it, i) => {
      if (corrupted.includes(i)) {
        expect(it.corruption).toBeDefined();
        expect(it.corruption!.original).toBe(items[i]!.caption);
        expect(it.caption).not.toBe(items[i]!.caption);
        kinds.set(it.corruption!.kind, (kinds.get(it.corruption!.kind) ?? 0) + 1);
      } else {
        expect(it).toBe(items[i]);
      }
    });
    expect([...kinds.keys()].sort()).toEqual(['color', 'object', 'relation', 'swap']);
  });

  it('every corrupted caption is false for its image', () => {
    const { items: noisy, corrupted } = corruptCaptions(items, { fraction: 1, seed: 5 });
    expect(corrupted.length).toBe(items.length);
    const truths = (it: (typeof items)[number]) => {
      const t = new Set([it.caption]);
      if (it.objects.length === 2) {
        const opposite = { 'left of': 'right of', 'right of': 'left of', above: 'below', below: 'above' } as const;
        t.add(describeShapes([it.objects[1]!, it.objects[0]!], opposite[it.relation!]));
      }
      return t;
    };
    noisy.forEach((it, i) => expect(truths(items[i]!).has(it.caption), `${i}: ${it.caption} (${it.corruption?.detail})`).toBe(false));
  });

  it('a relation corruption needs two objects; kinds can be restricted', () => {
    const singles = makeShapes({ count: 50, seed: 1, pairProbability: 0 });
    const { corrupted } = corruptCaptions(singles, { fraction: 1, kinds: ['relation'] });
    expect(corrupted).toEqual([]);
    const { items: noisy } = corruptCaptions(items, { fraction: 0.5, kinds: ['color'], seed: 9 });
    expect(noisy.filter((i) => i.corruption).every((i) => i.corruption!.kind === 'color' && /^color of the \w+: \w+ → \w+$/.test(i.corruption!.detail))).toBe(true);
  });

  it('is seeded', () => {
    const a = corruptCaptions(items, { fraction: 0.3, seed: 8 });
    const b = corruptCaptions(items, { fraction: 0.3, seed: 8 });
    expect(a.items.map((i) => i.caption)).toEqual(b.items.map((i) => i.caption));
  });
});

describe('shapes on disk', () => {
  it('writes PNGs and a captions.csv that loadCaptionFolder reads back pixel for pixel', () => {
    const items = corruptCaptions(makeShapes({ count: 12, seed: 2 }), { fraction: 0.5, seed: 1 }).items;
    const dir = join(tmp, 'csv');
    writeShapesFolder(dir, items);
    const ds = loadCaptionFolder(dir);
    expect(ds.issues).toEqual([]);
    expect(ds.images.map((i) => i.captions[0])).toEqual(items.map((i) => i.caption));
    ds.images.forEach((img, i) => {
      const back = readImage((img.ref as { path: string }).path);
      expect(Buffer.from(back.data).equals(Buffer.from(items[i]!.image.data))).toBe(true);
    });
    const truth = JSON.parse(readFileSync(join(dir, 'shapes.json'), 'utf8')) as { corruption: { kind: string } | null }[];
    expect(truth.filter((t) => t.corruption).length).toBe(6);
  });

  it('writes JSONL too, and shapesDataset keeps the labels as meta', () => {
    const items = makeShapes({ count: 5, seed: 2 });
    writeShapesFolder(join(tmp, 'jsonl'), items, { format: 'jsonl' });
    expect(loadCaptionFolder(join(tmp, 'jsonl')).images.length).toBe(5);
    const ds = shapesDataset(items);
    expect(ds.images[0]!.meta!['shape']).toBe(items[0]!.objects[0]!.shape);
  });
});

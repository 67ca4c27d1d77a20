import { readFileSync } from 'node:fs';
import { decodeImage } from '@glimpse/models/node';
import { crop, resize } from '@glimpse/models';
import { Generator } from '@glimpse/tensor';
import { describe, expect, it } from 'vitest';
import { augmentImage, flipHorizontal, randomResizedCropBox, swapLeftRight, type CropDraws } from './augment.js';

interface ParamsCase {
  width: number;
  height: number;
  scale: [number, number];
  ratio: [number, number];
  areas: number[];
  aspects: number[];
  integers: number[];
  box: { top: number; left: number; height: number; width: number };
}
const root = new URL('../../../../', import.meta.url);
const fixture = JSON.parse(readFileSync(new URL('fixtures/train/augment.json', root), 'utf8')) as {
  params: ParamsCase[];
  pixels: { box: ParamsCase['box']; size: { height: number; width: number }; crop: string; flipped: string }[];
};

/** Replays torchvision's recorded draws, checking that they are asked for in the same order and ranges. */
function replay(c: ParamsCase): CropDraws & { done(): void } {
  let a = 0;
  let r = 0;
  let n = 0;
  return {
    area: (lo, hi) => {
      expect([lo, hi]).toEqual(c.scale);
      return c.areas[a++]!;
    },
    aspect: (lo, hi) => {
      expect([lo, hi]).toEqual(c.ratio);
      return c.aspects[r++]!;
    },
    integer: () => c.integers[n++]!,
    done: () => {
      expect([a, r, n]).toEqual([c.areas.length, c.aspects.length, c.integers.length]);
    },
  };
}

describe('randomResizedCropBox = torchvision RandomResizedCrop.get_params (tools/oracle/augment.py)', () => {
  it.each(fixture.params.map((c, i) => [i, `${c.width}x${c.height} scale ${c.scale} tries ${c.areas.length}`, c] as const))('case %i: %s', (_, __, c) => {
    const draws = replay(c);
    expect(randomResizedCropBox(c.width, c.height, draws, c.scale, c.ratio)).toEqual(c.box);
    draws.done();
  });

  it('covers retries and all three fallbacks', () => {
    expect(fixture.params.some((c) => c.areas.length > 1 && c.areas.length < 10)).toBe(true);
    // A fallback draws no integers: all 10 tries failed.
    expect(fixture.params.filter((c) => c.integers.length === 0).length).toBeGreaterThanOrEqual(3);
  });

  it('rejects bad ranges', () => {
    const g = new Generator(0);
    const draws = { area: () => g.uniform(), aspect: () => 1, integer: () => 0 };
    expect(() => randomResizedCropBox(10, 10, draws, [0.9, 0.5])).toThrow(/scale must be \[lo, hi\]/);
    expect(() => randomResizedCropBox(10, 10, draws, [0.5, 1], [0, 1])).toThrow(/ratio must be/);
  });
});

describe('crop + resize + flip = torchvision F.resized_crop (PIL, bicubic) + F.hflip', () => {
  const src = decodeImage(readFileSync(new URL('fixtures/images/coffee.png', root)));
  it.each(fixture.pixels.map((p) => [`${p.box.width}x${p.box.height} → ${p.size.width}x${p.size.height}`, p] as const))('%s', (_, p) => {
    const out = resize(crop(src, p.box), p.size.width, p.size.height, 'bicubic');
    expect(Buffer.from(out.data).toString('base64')).toBe(p.crop);
    expect(Buffer.from(flipHorizontal(out).data).toString('base64')).toBe(p.flipped);
  });
});

describe('augmentImage', () => {
  const img = { width: 40, height: 30, data: Uint8Array.from({ length: 40 * 30 * 3 }, (_, i) => (i * 7) % 256) };

  it('is a function of the generator seed', () => {
    const a = augmentImage(img, { height: 16, width: 16 }, new Generator(5));
    const b = augmentImage(img, { height: 16, width: 16 }, new Generator(5));
    expect(a.box).toEqual(b.box);
    expect(a.flipped).toBe(b.flipped);
    expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true);
    expect([a.image.width, a.image.height]).toEqual([16, 16]);
  });

  it('flips about half the time and crops within the scale range', () => {
    let flips = 0;
    for (let s = 0; s < 400; s++) {
      const r = augmentImage(img, { height: 8, width: 8 }, new Generator(s), { scale: [0.5, 1] });
      if (r.flipped) flips++;
      const area = r.box.width * r.box.height;
      expect(r.box.left + r.box.width).toBeLessThanOrEqual(40);
      expect(r.box.top + r.box.height).toBeLessThanOrEqual(30);
      expect(area).toBeGreaterThan(0.5 * 1200 * 0.85); // rounding of w and h
    }
    expect(flips).toBeGreaterThan(160);
    expect(flips).toBeLessThan(240);
  });

  it('hflip 0 never flips', () => {
    for (let s = 0; s < 50; s++) expect(augmentImage(img, { height: 8, width: 8 }, new Generator(s), { hflip: 0 }).flipped).toBe(false);
  });
});

describe('swapLeftRight', () => {
  it.each([
    ['a red circle left of a blue square', 'a red circle right of a blue square'],
    ['a Left-facing fist', 'a Right-facing fist'],
    ['LEFTWARDS ARROW and right', 'RIGHTWARDS ARROW and left'],
    ['bright leftover copyright', 'bright leftover copyright'],
  ])('%j → %j', (a, b) => {
    expect(swapLeftRight(a)).toBe(b);
  });
});

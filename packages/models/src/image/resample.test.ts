import { describe, expect, it } from 'vitest';
import { rgbImage, fromRgba, fromGray, type RgbImage } from './image.js';
import { RESAMPLE_KERNELS, resampleCoefficients, resize } from './resample.js';

/** A w × h image whose pixel (x, y) channel c is f(x, y, c). */
function image(width: number, height: number, f: (x: number, y: number, c: number) => number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = f(x, y, c);
  return rgbImage(width, height, data);
}

describe('resampling kernels', () => {
  it('bicubic is Keys with a = -0.5: interpolating, with negative lobes between 1 and 2', () => {
    const k = RESAMPLE_KERNELS.bicubic.at;
    expect([k(0), k(1), k(2), k(-1), k(3)].map((v) => v + 0)).toEqual([1, 0, 0, 0, 0]); // + 0 turns −0 into 0
    expect(k(0.5)).toBe(0.5625); // (1.5·0.5 − 2.5)·0.25 + 1
    expect(k(1.5)).toBe(-0.0625); // ((1.5 − 5)·1.5 + 8)·1.5 − 4 = 0.125, times −0.5
    expect(k(-0.5)).toBe(k(0.5));
  });

  it('bilinear is the triangle', () => {
    const k = RESAMPLE_KERNELS.bilinear.at;
    expect([k(0), k(0.25), k(-0.75), k(1), k(2)]).toEqual([1, 0.75, 0.25, 0, 0]);
  });
});

describe('resampleCoefficients', () => {
  it('weights sum to one; fixed-point weights to 2^22 within rounding', () => {
    for (const [n, m] of [[100, 7], [7, 100], [451, 224], [224, 224], [3, 1], [1, 5]] as const) {
      for (const filter of ['bicubic', 'bilinear'] as const) {
        const c = resampleCoefficients(n, m, filter);
        for (let i = 0; i < m; i++) {
          let exact = 0;
          let fixed = 0;
          for (let t = 0; t < c.count[i]!; t++) {
            exact += c.exact[i * c.taps + t]!;
            fixed += c.weights[i * c.taps + t]!;
          }
          expect(exact).toBeCloseTo(1, 12);
          expect(Math.abs(fixed - 2 ** 22)).toBeLessThanOrEqual(c.count[i]!);
          expect(c.first[i]! >= 0 && c.first[i]! + c.count[i]! <= n).toBe(true);
        }
      }
    }
  });

  it('stretches the kernel by the downscale factor (antialiasing), not when upscaling', () => {
    // 2:1 bilinear: support 2 → taps at offsets −1.5, −0.5, 0.5, 1.5 (÷2) → 1/8, 3/8, 3/8, 1/8.
    const down = resampleCoefficients(8, 4, 'bilinear');
    expect(down.first[1]).toBe(1);
    expect(Array.from(down.exact.subarray(down.taps, down.taps + 4))).toEqual([0.125, 0.375, 0.375, 0.125]);
    // 1:2 bilinear: plain interpolation between the two nearest samples. Output 3 sits at
    // 3.5 / 2 = 1.75, a quarter past input 1's centre (1.5): weights 0.75 and 0.25.
    const up = resampleCoefficients(4, 8, 'bilinear');
    expect(up.first[3]).toBe(1);
    expect(Array.from(up.exact.subarray(3 * up.taps, 3 * up.taps + 2))).toEqual([0.75, 0.25]);
    expect(resampleCoefficients(1000, 10, 'bicubic').taps).toBe(401); // support 2 · 100 → 2·200 + 1 taps
  });
});

describe('resize', () => {
  it('keeps a constant image constant at any size (weights are normalised at the borders)', () => {
    const flat = image(17, 9, (_x, _y, c) => [12, 200, 255][c]!);
    for (const [w, h] of [[5, 3], [40, 31], [17, 1], [1, 9], [1, 1]] as const) {
      for (const filter of ['bicubic', 'bilinear'] as const) {
        const out = resize(flat, w, h, filter);
        expect([out.width, out.height]).toEqual([w, h]);
        for (let i = 0; i < out.data.length; i++) expect(out.data[i]).toBe([12, 200, 255][i % 3]);
      }
    }
  });

  it('is the identity (a copy) at the same size, and separable', () => {
    const img = image(6, 4, (x, y, c) => (x * 40 + y * 13 + c * 70) % 256);
    const same = resize(img, 6, 4);
    expect(same.data).toEqual(img.data);
    expect(same.data).not.toBe(img.data);
    // Width-only then height-only equals both at once (PIL's pass order: horizontal first).
    expect(resize(resize(img, 3, 4), 3, 7).data).toEqual(resize(img, 3, 7).data);
  });

  it('clips bicubic overshoot at sharp edges to 0..255', () => {
    const row = [0, 0, 255, 255];
    const out = resize(image(4, 1, (x) => row[x]!), 16, 1);
    const c = resampleCoefficients(4, 16, 'bicubic');
    let clipped = 0;
    for (let i = 0; i < 16; i++) {
      let v = 0;
      for (let t = 0; t < c.count[i]!; t++) v += c.exact[i * c.taps + t]! * row[c.first[i]! + t]!;
      if (v < -0.5) expect(out.data[3 * i]).toBe(0);
      if (v > 255.5) expect(out.data[3 * i]).toBe(255);
      if (v < -0.5 || v > 255.5) clipped++;
    }
    expect(clipped).toBeGreaterThan(0); // the ringing exists, and was clipped
  });

  it('averages when it downscales: a one-pixel checkerboard becomes flat gray', () => {
    const checker = image(64, 64, (x, y) => ((x + y) % 2 ? 255 : 0));
    const out = resize(checker, 8, 8);
    const inner = [];
    for (let y = 2; y < 6; y++) for (let x = 2; x < 6; x++) inner.push(out.data[(y * 8 + x) * 3]!);
    for (const v of inner) expect(Math.abs(v - 128)).toBeLessThanOrEqual(1);
  });

  it('rejects bad sizes, filters and images', () => {
    const img = image(2, 2, () => 0);
    expect(() => resize(img, 0, 3)).toThrow(/resize: target size must be positive integers, got 0x3/);
    expect(() => resize(img, 2.5, 3)).toThrow(/got 2.5x3/);
    expect(() => resize(img, 2, 2, 'lanczos' as never)).toThrow(/unknown filter 'lanczos'/);
    expect(() => resize({ width: 2, height: 2, data: new Uint8Array(5) }, 1, 1)).toThrow(/resize: image data has 5 bytes, 2x2 RGB needs 12/);
    expect(() => resize({ width: 0, height: 2, data: new Uint8Array(0) }, 1, 1)).toThrow(/at least 1x1/);
  });
});

describe('RgbImage helpers', () => {
  it('fromRgba drops alpha without compositing; fromGray replicates', () => {
    const rgba = new Uint8Array([10, 20, 30, 0, 40, 50, 60, 255]);
    expect(Array.from(fromRgba(2, 1, rgba).data)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(Array.from(fromGray(2, 1, new Uint8Array([7, 9])).data)).toEqual([7, 7, 7, 9, 9, 9]);
  });

  it('checks sizes', () => {
    expect(() => rgbImage(2, 2, new Uint8Array(11))).toThrow(/rgbImage: 11 bytes do not fill 2x2 RGB \(12 expected\)/);
    expect(() => rgbImage(0, 2, new Uint8Array(0))).toThrow(/rgbImage: an image must be at least 1x1 pixels/);
    expect(() => fromRgba(1, 1, new Uint8Array(3))).toThrow(/fromRgba: 3 bytes do not fill 1x1 RGBA/);
    expect(() => fromGray(2, 1, new Uint8Array(3))).toThrow(/fromGray: 3 bytes do not fill 2x1 gray/);
  });
});

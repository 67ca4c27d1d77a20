import { describe, expect, it } from 'vitest';
import { rgbImage, type RgbImage } from './image.js';
import { centerCrop, centerCropBox, crop, resizeShortestSide, shortestSideSize } from './transforms.js';
import { toTensor, toTensorBatch, CLIP_MEAN, CLIP_STD } from './to-tensor.js';

/** Pixel (x, y) = (x, y, 7) so a crop's origin can be read off its first pixel. */
function coords(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x, y, 7], (y * width + x) * 3);
  return rgbImage(width, height, data);
}

describe('shortestSideSize', () => {
  it('sets the short side and truncates the long one (torchvision and HF agree)', () => {
    expect(shortestSideSize(640, 427, 224)).toEqual({ width: 335, height: 224 }); // 335.76 → 335
    expect(shortestSideSize(427, 640, 224)).toEqual({ width: 224, height: 335 });
    expect(shortestSideSize(451, 300, 224)).toEqual({ width: 336, height: 224 }); // 336.75 → 336
    expect(shortestSideSize(300, 300, 224)).toEqual({ width: 224, height: 224 });
    expect(shortestSideSize(10, 1000, 224)).toEqual({ width: 224, height: 22400 });
    expect(() => shortestSideSize(10, 10, 0)).toThrow(/size must be a positive integer, got 0/);
  });

  it('resizeShortestSide resizes to that size', () => {
    const out = resizeShortestSide(coords(30, 20), 8);
    expect([out.width, out.height]).toEqual([12, 8]);
  });
});

describe('center crop boxes', () => {
  // margin (image − crop) → start; torchvision rounds half to even, HF floors.
  const table: [number, number, number][] = [
    [0, 0, 0],
    [1, 0, 0],
    [2, 1, 1],
    [3, 2, 1],
    [4, 2, 2],
    [5, 2, 2],
    [7, 4, 3],
    [9, 4, 4],
    [11, 6, 5],
    [112, 56, 56],
  ];
  it.each(table)('margin %i: torchvision starts at %i, HF at %i', (margin, tv, hf) => {
    expect(centerCropBox(224 + margin, 224, 224, 224, 'torchvision').left).toBe(tv);
    expect(centerCropBox(224 + margin, 224, 224, 224, 'hf').left).toBe(hf);
    expect(centerCropBox(224, 224 + margin, 224, 224, 'hf').top).toBe(hf);
  });

  it('pads when the crop is larger: torchvision puts the extra row behind, HF in front', () => {
    // 30 rows, crop 35: 5 rows of padding → torchvision 2 above (start −2), HF 3 above (start −3).
    expect(centerCropBox(40, 30, 35, 43, 'torchvision')).toEqual({ top: -2, left: -1, height: 35, width: 43 });
    expect(centerCropBox(40, 30, 35, 43, 'hf')).toEqual({ top: -3, left: -2, height: 35, width: 43 });
    const out = centerCrop(coords(4, 3), { height: 5, width: 4 }, 'hf');
    expect([out.width, out.height]).toEqual([4, 5]);
    expect(Array.from(out.data.subarray(0, 12))).toEqual(new Array(12).fill(0)); // padding row
    expect(Array.from(out.data.subarray(12, 15))).toEqual([0, 0, 7]); // source (0, 0)
  });

  it('crops the box it reports', () => {
    const img = coords(50, 40);
    const out = centerCrop(img, 33, 'torchvision');
    const box = centerCropBox(50, 40, 33, 33);
    expect([out.data[0], out.data[1]]).toEqual([box.left, box.top]);
    const last = (33 * 33 - 1) * 3;
    expect([out.data[last], out.data[last + 1]]).toEqual([box.left + 32, box.top + 32]);
    expect(crop(img, { top: 38, left: 48, height: 3, width: 3 }).data.subarray(0, 3)).toEqual(new Uint8Array([48, 38, 7]));
  });

  it('rejects bad crop sizes and roundings', () => {
    expect(() => centerCropBox(10, 10, 0, 5)).toThrow(/crop height must be a positive integer, got 0/);
    expect(() => centerCropBox(10, 10, 5, 5, 'pil' as never)).toThrow(/rounding must be 'torchvision' or 'hf'/);
    expect(() => centerCrop({ width: 1, height: 1, data: new Uint8Array(2) }, 1)).toThrow(/centerCrop: image data has 2 bytes/);
  });
});

describe('toTensor', () => {
  const img = rgbImage(2, 1, new Uint8Array([0, 128, 255, 10, 20, 30]));

  it('lays out [3, H, W] and computes float32((float32(v/255) − mean) / std) as HF does', () => {
    const t = toTensor(img);
    expect(t.shape).toEqual([3, 1, 2]);
    expect(t.dtype).toBe('float32');
    const f = Math.fround;
    const expected = [0, 10, 128, 20, 255, 30].map((v, i) => {
      const c = Math.floor(i / 2);
      return f(f(f(v * (1 / 255)) - f(CLIP_MEAN[c]!)) / f(CLIP_STD[c]!));
    });
    expect(Array.from(t.dataSync())).toEqual(expected);
  });

  it('torchvision (v / 255 in float32) gives the same bits as HF (v · (1/255) in float64, then float32)', () => {
    for (let v = 0; v < 256; v++) expect(Math.fround(v / 255)).toBe(Math.fround(v * (1 / 255)));
  });

  it('can skip rescaling and normalisation', () => {
    expect(Array.from(toTensor(img, { rescaleFactor: null, mean: null, std: null }).dataSync())).toEqual([0, 10, 128, 20, 255, 30]);
    expect(Array.from(toTensor(img, { mean: null, std: null }).dataSync())[4]).toBe(1);
  });

  it('batches images of one size, and names the odd one out', () => {
    const t = toTensorBatch([img, img]);
    expect(t.shape).toEqual([2, 3, 1, 2]);
    expect(() => toTensorBatch([img, coords(3, 3)])).toThrow(/toTensorBatch: image 1 is 3x3, image 0 is 2x1/);
    expect(() => toTensorBatch([])).toThrow(/no images/);
  });

  it('rejects bad statistics', () => {
    expect(() => toTensor(img, { mean: [0.5], std: [0.5] })).toThrow(/mean and std need 3 values/);
    expect(() => toTensor(img, { std: [1, 0, 1] })).toThrow(/std finite and nonzero/);
    expect(() => toTensor(img, { mean: null })).toThrow(/give both mean and std, or neither/);
    expect(() => toTensor(img, { rescaleFactor: Number.NaN })).toThrow(/rescaleFactor must be a finite number/);
  });
});

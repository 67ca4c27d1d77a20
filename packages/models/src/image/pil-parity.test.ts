/**
 * Glimpse's preprocessing against PIL (tools/oracle/images.py → fixtures/images/). Each case
 * starts from PIL's own decode of the source (so that JPEG decoder differences stay out of the
 * resize comparison) and checks, in order: the resized size and uint8 pixels, the crop box (HF's
 * and torchvision's rules), the cropped pixels, and the float32 pixel values.
 *
 * Measured (PIL 9.4.0): resize, crop and tensor are exact — max error 0 levels, 0 in float32 —
 * in every case, bicubic and bilinear, down- and upscaling, and for the real CLIP config at 224
 * (compared by SHA-256). From the files' own bytes (Glimpse's decoders): PNG sources stay exact;
 * JPEG sources end within 1–2 levels after resizing (decoding alone: up to 3, see
 * decode.test.ts), i.e. within 0.03 in the normalised tensor.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeImage } from './decode.js';
import { rgbImage, type RgbImage } from './image.js';
import { BlipImageProcessor, CLIPImageProcessor, type ImageProcessor } from './processor.js';
import { resize } from './resample.js';
import { centerCrop, centerCropBox } from './transforms.js';
import { fixtureBytes, imageReference, maxAbsDiff } from '../testing/image-fixtures.js';

const ref = imageReference();
const cases = Object.keys(ref.meta).filter((k) => !k.startsWith('_'));

/** PIL's decode of a fixture file, as an RgbImage. */
function pilDecoded(source: string): RgbImage {
  const t = ref.tensors[`decode.${source}`]!;
  return rgbImage(t.shape[1]!, t.shape[0]!, t.data as Uint8Array);
}

function processorFor(meta: any): ImageProcessor {
  return meta.processor === 'clip' ? new CLIPImageProcessor(meta.config, meta.source) : new BlipImageProcessor(meta.config, meta.source);
}

const sha256 = (bytes: ArrayBufferView) => createHash('sha256').update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)).digest('hex');

describe('image preprocessing matches PIL (fixtures/images)', () => {
  it('has the cases the oracle wrote', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  it.each(cases)('%s: resize, crop box, crop and tensor are exact', (name) => {
    const meta = ref.meta[name];
    const p = processorFor(meta);
    const o = p.options;
    const src = pilDecoded(meta.source);
    let img = src;
    if (o.doResize) {
      const target = 'shortestEdge' in o.size ? null : o.size;
      const prepared = p.prepare(src);
      const [h, w] = meta.resized as [number, number];
      if (target) expect([prepared.height, prepared.width]).toEqual([h, w]);
      img = resize(src, w, h, o.resample);
      const expected = ref.tensors[`${name}.resized`];
      if (expected) expect(maxAbsDiff(img.data, expected.data).max).toBe(0);
      else expect(sha256(img.data)).toBe(meta.sha256_resized);
    }
    if (o.doCenterCrop) {
      const { height, width } = o.cropSize;
      const hf = centerCropBox(img.width, img.height, height, width, 'hf');
      const tv = centerCropBox(img.width, img.height, height, width, 'torchvision');
      expect([hf.top, hf.left]).toEqual(meta.box);
      expect([tv.top, tv.left]).toEqual(meta.box_tv);
      const cropped = centerCrop(img, o.cropSize, 'hf');
      const croppedTv = centerCrop(img, o.cropSize, 'torchvision');
      const expected = ref.tensors[`${name}.cropped`];
      if (expected) expect(maxAbsDiff(cropped.data, expected.data).max).toBe(0);
      else expect(sha256(cropped.data)).toBe(meta.sha256_cropped);
      const expectedTv = ref.tensors[`${name}.cropped_tv`];
      if (expectedTv) expect(maxAbsDiff(croppedTv.data, expectedTv.data).max).toBe(0);
      else if (meta.sha256_cropped_tv) expect(sha256(croppedTv.data)).toBe(meta.sha256_cropped_tv);
      else expect(croppedTv.data).toEqual(cropped.data); // the oracle stores it only where the boxes differ
    }
    const pixels = p.process(src).pixelValues;
    const expected = ref.tensors[`${name}.pixel_values`];
    if (expected) {
      expect(pixels.shape).toEqual(expected.shape);
      expect(maxAbsDiff(pixels.dataSync(), expected.data).max).toBe(0);
    } else if (meta.sha256_pixel_values) {
      expect(pixels.shape).toEqual([1, 3, 224, 224]);
      expect(sha256(pixels.dataSync() as Float32Array)).toBe(meta.sha256_pixel_values);
    }
  });

  it('batches images into [B, 3, H, W] with the same values as one at a time', () => {
    const p = new CLIPImageProcessor({ size: 32, crop_size: 30 });
    const a = pilDecoded('chelsea.jpg');
    const b = pilDecoded('coffee.png');
    const batch = p.process([a, b]).pixelValues;
    expect(batch.shape).toEqual([2, 3, 30, 30]);
    const one = [...p.process(a).pixelValues.dataSync(), ...p.process(b).pixelValues.dataSync()];
    expect(Array.from(batch.dataSync())).toEqual(one);
  });

  // From the files' bytes: Glimpse's decoders instead of PIL's. PNG decoding is exact, so only
  // JPEG adds error; the bounds below are the measured maxima (rounded up), in uint8 levels of
  // the resized image and in normalised units of the final tensor (1 level ≈ 0.015).
  const endToEnd: [string, number][] = [
    ['clip.coffee', 0],
    ['clip.rgba', 0],
    ['blip.gray16', 0],
    ['pad.palette', 0],
    ['clip.camera_gray', 1],
    ['clip.chelsea', 2],
    ['blip.chelsea', 1],
    ['clip.astronaut', 2],
    ['blip.astronaut', 2],
  ];
  it.each(endToEnd)('%s from the file bytes: resized pixels within %i level(s) of PIL', (name, levels) => {
    const meta = ref.meta[name];
    const p = processorFor(meta);
    const decoded = decodeImage(fixtureBytes(meta.source), meta.source);
    const prepared = p.prepare(decoded);
    const key = ref.tensors[`${name}.cropped`] ? `${name}.cropped` : ref.tensors[`${name}.resized`] ? `${name}.resized` : `${name}.cropped`;
    const err = maxAbsDiff(prepared.data, ref.tensors[key]!.data);
    const pixels = p.process(decoded).pixelValues.dataSync();
    const expected = ref.tensors[`${name}.pixel_values`];
    const tensorErr = expected ? maxAbsDiff(pixels, expected.data).max : NaN;
    console.info(`${name}: from ${meta.source}, max ${err.max} levels (mean ${err.mean.toFixed(3)}) vs PIL${expected ? `; tensor max ${tensorErr.toExponential(2)}` : ''}`);
    expect(err.max).toBeLessThanOrEqual(levels);
    if (expected) expect(tensorErr).toBeLessThanOrEqual(levels * 0.0151 + 1e-6);
  });
});

/**
 * uint8 RGB → float32 tensor [3, H, W] (channels first, as the vision towers take it), with
 * rescale and normalise computed the way Hugging Face's processors compute them, so that the
 * float32 values match bit for bit:
 *   x = float32(v · rescaleFactor)            (the product in float64, like HF's `rescale`)
 *   y = float32(float32(x − mean) / std)      (float32 arithmetic, mean/std cast to float32)
 * torchvision's ToTensor + Normalize give the same bits (v / 255 in float32 equals
 * float32(v · (1/255)) for every byte value, and Normalize also subtracts then divides in float32).
 */
import { fromArray, type Tensor } from '@glimpse/tensor';
import { assertRgbImage, type RgbImage } from './image.js';

/** OpenAI CLIP's per-channel mean (R, G, B), also used by BLIP (REFERENCE.md). */
export const CLIP_MEAN: readonly [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
/** OpenAI CLIP's per-channel standard deviation (R, G, B), also used by BLIP. */
export const CLIP_STD: readonly [number, number, number] = [0.26862954, 0.26130258, 0.27577711];

/** How `toTensor` maps bytes to floats: rescale, then normalise per channel. */
export interface ToTensorOptions {
  /** Multiply by this (default 1/255); null skips the rescale (values stay 0..255). */
  rescaleFactor?: number | null;
  /** Per-channel mean and std (default CLIP's); null skips normalisation. */
  mean?: readonly number[] | null;
  std?: readonly number[] | null;
}

interface Affine {
  factor: number | null;
  mean: Float32Array | null;
  std: Float32Array | null;
}

function resolve(op: string, opts: ToTensorOptions): Affine {
  const factor = opts.rescaleFactor === undefined ? 1 / 255 : opts.rescaleFactor;
  if (factor !== null && !Number.isFinite(factor)) throw new Error(`${op}: rescaleFactor must be a finite number, got ${factor}`);
  const mean = opts.mean === undefined ? CLIP_MEAN : opts.mean;
  const std = opts.std === undefined ? CLIP_STD : opts.std;
  if ((mean === null) !== (std === null)) throw new Error(`${op}: give both mean and std, or neither`);
  if (mean === null || std === null) return { factor, mean: null, std: null };
  if (mean.length !== 3 || std.length !== 3) throw new Error(`${op}: mean and std need 3 values (R, G, B), got ${mean.length} and ${std.length}`);
  if (std.some((s) => !Number.isFinite(s) || s === 0) || mean.some((m) => !Number.isFinite(m))) {
    throw new Error(`${op}: mean must be finite and std finite and nonzero, got mean [${mean.join(', ')}], std [${std.join(', ')}]`);
  }
  return { factor, mean: Float32Array.from(mean), std: Float32Array.from(std) };
}

function writeChannelsFirst(img: RgbImage, a: Affine, out: Float32Array, offset: number): void {
  const plane = img.width * img.height;
  // Every output depends only on (channel, byte value): tabulate 3 × 256 values once.
  const table = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    for (let v = 0; v < 256; v++) {
      let x = a.factor === null ? v : Math.fround(v * a.factor);
      if (a.mean && a.std) x = Math.fround(Math.fround(x - a.mean[c]!) / a.std[c]!);
      table[c * 256 + v] = x;
    }
  }
  const d = img.data;
  for (let i = 0; i < plane; i++) {
    out[offset + i] = table[d[3 * i]!]!;
    out[offset + plane + i] = table[256 + d[3 * i + 1]!]!;
    out[offset + 2 * plane + i] = table[512 + d[3 * i + 2]!]!;
  }
}

/** One image → float32 [3, H, W]. */
export function toTensor(img: RgbImage, opts: ToTensorOptions = {}): Tensor {
  assertRgbImage('toTensor', img);
  const out = new Float32Array(3 * img.width * img.height);
  writeChannelsFirst(img, resolve('toTensor', opts), out, 0);
  return fromArray(out, [3, img.height, img.width]);
}

/** Images of one size → float32 [B, 3, H, W]. */
export function toTensorBatch(images: readonly RgbImage[], opts: ToTensorOptions = {}): Tensor {
  if (images.length === 0) throw new Error('toTensorBatch: no images');
  images.forEach((img, i) => assertRgbImage(`toTensorBatch (image ${i})`, img));
  const { width, height } = images[0]!;
  const odd = images.findIndex((img) => img.width !== width || img.height !== height);
  if (odd >= 0) {
    throw new Error(`toTensorBatch: image ${odd} is ${images[odd]!.width}x${images[odd]!.height}, image 0 is ${width}x${height}; resize or crop them to one size first`);
  }
  const a = resolve('toTensorBatch', opts);
  const size = 3 * width * height;
  const out = new Float32Array(images.length * size);
  images.forEach((img, i) => writeChannelsFirst(img, a, out, i * size));
  return fromArray(out, [images.length, 3, height, width]);
}

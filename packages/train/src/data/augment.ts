/**
 * Train-time augmentation on decoded uint8 images, before the processor's rescale and
 * normalisation: torchvision's RandomResizedCrop followed by RandomHorizontalFlip, the pair that
 * BLIP's and open_clip's training transforms start with.
 *
 * RandomResizedCrop (torchvision `RandomResizedCrop.get_params`, reproduced step by step):
 *   up to 10 tries: target area = area · U(scale), aspect = exp(U(log ratio));
 *     w = round(√(area·aspect)), h = round(√(area/aspect))   (Python round: half to even)
 *     if 0 < w ≤ W and 0 < h ≤ H: top = randint(0, H − h), left = randint(0, W − w) → done
 *   otherwise a central crop: the whole image, or clamped to the ratio range when the image's
 *   own aspect lies outside it. The box is then resized to the output size (bicubic here, like
 *   BLIP and open_clip; PIL's antialiased resampling, via @glimpse/models' `resize`).
 * RandomHorizontalFlip: mirror with probability p.
 *
 * Defaults, and why: scale (0.5, 1.0) as BLIP's fine-tuning transform (min_scale 0.5; its
 * pre-training uses 0.2) rather than open_clip's (0.9, 1.0), because Glimpse trains on small
 * sets (1,911 emoji, a few thousand shapes) where stronger cropping is the regulariser that
 * matters, while open_clip's mild crop is tuned for hundreds of millions of pairs. For captions
 * that name positions (the shapes set's "left of", or a "left-facing fist"), pass a smaller
 * crop range such as (0.9, 1.0) so that no object is cut away. Ratio (3/4, 4/3) and flip p = 0.5
 * are both references' values. A flip also swaps "left" and "right" in the caption
 * (`swapLeftRight`, on by default) so the pair stays true — BLIP flips without doing that.
 */
import { crop, resize, type CropBox, type ResampleFilter, type RgbImage } from '@glimpse/models';
import type { Generator } from '@glimpse/tensor';

/** Options of `augmentImage`; see the file comment for the defaults. */
export interface AugmentOptions {
  /** Range of the crop's area as a fraction of the image (default [0.5, 1]). */
  scale?: readonly [number, number];
  /** Range of the crop's aspect ratio w/h, sampled log-uniformly (default [3/4, 4/3]). */
  ratio?: readonly [number, number];
  /** Probability of a horizontal flip (default 0.5; 0 turns flipping off). */
  hflip?: number;
  /** Swap the words left/right in the caption of a flipped image (default true). */
  swapLeftRight?: boolean;
  /** Resampling of the crop (default 'bicubic'). */
  resample?: ResampleFilter;
}

/** The resolved defaults. */
export const DEFAULT_AUGMENT: Required<AugmentOptions> = { scale: [0.5, 1], ratio: [3 / 4, 4 / 3], hflip: 0.5, swapLeftRight: true, resample: 'bicubic' };

/** The random numbers RandomResizedCrop draws, so a test can supply torchvision's exact draws. */
export interface CropDraws {
  /** A fraction of the area, uniform in [lo, hi). */
  area(lo: number, hi: number): number;
  /** An aspect ratio, log-uniform in [lo, hi). */
  aspect(lo: number, hi: number): number;
  /** An integer, uniform in [lo, hi] (both ends included, like torch.randint(lo, hi + 1)). */
  integer(lo: number, hi: number): number;
}

/** CropDraws from a seeded Generator. */
export function generatorDraws(g: Generator): CropDraws {
  return {
    area: (lo, hi) => lo + (hi - lo) * g.uniform(),
    aspect: (lo, hi) => Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * g.uniform()),
    integer: (lo, hi) => g.integer(lo, hi + 1),
  };
}

/** Python's round(): the nearest integer, halves to the even one. */
function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

function checkRange(op: string, name: string, r: readonly [number, number], positive: boolean): void {
  if (!Array.isArray(r) || r.length !== 2 || !r.every(Number.isFinite) || r[0] > r[1] || (positive ? r[0] <= 0 : r[0] < 0)) {
    throw new Error(`${op}: ${name} must be [lo, hi] with ${positive ? '0 <' : '0 ≤'} lo ≤ hi, got ${JSON.stringify(r)}`);
  }
}

/** The box RandomResizedCrop cuts from a width × height image (torchvision's get_params). */
export function randomResizedCropBox(width: number, height: number, draws: CropDraws, scale: readonly [number, number] = DEFAULT_AUGMENT.scale, ratio: readonly [number, number] = DEFAULT_AUGMENT.ratio): CropBox {
  checkRange('randomResizedCropBox', 'scale', scale, false);
  checkRange('randomResizedCropBox', 'ratio', ratio, true);
  const area = width * height;
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * draws.area(scale[0], scale[1]);
    const aspect = draws.aspect(ratio[0], ratio[1]);
    const w = pyRound(Math.sqrt(targetArea * aspect));
    const h = pyRound(Math.sqrt(targetArea / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      const top = draws.integer(0, height - h);
      const left = draws.integer(0, width - w);
      return { top, left, height: h, width: w };
    }
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < ratio[0]) h = pyRound(w / ratio[0]);
  else if (inRatio > ratio[1]) w = pyRound(h * ratio[1]);
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

/** Mirrors an image left to right. */
export function flipHorizontal(img: RgbImage): RgbImage {
  const { width, height, data } = img;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    const row = y * width * 3;
    for (let x = 0; x < width; x++) {
      const s = row + x * 3;
      const d = row + (width - 1 - x) * 3;
      out[d] = data[s]!;
      out[d + 1] = data[s + 1]!;
      out[d + 2] = data[s + 2]!;
    }
  }
  return { width, height, data: out };
}

/** "a fist facing left, left of a cup" ↔ "a fist facing right, right of a cup" (also leftwards, left-facing). */
export function swapLeftRight(caption: string): string {
  return caption.replace(/\b(left|right)(?=wards?\b|\b)/gi, (word) => {
    const swapped = word.toLowerCase() === 'left' ? 'right' : 'left';
    if (word === word.toUpperCase()) return swapped.toUpperCase();
    if (word[0] === word[0]!.toUpperCase()) return swapped[0]!.toUpperCase() + swapped.slice(1);
    return swapped;
  });
}

/** The result of augmenting one example. */
export interface Augmented {
  readonly image: RgbImage;
  readonly flipped: boolean;
  /** The crop taken from the source image. */
  readonly box: CropBox;
}

/**
 * RandomResizedCrop to `size` then a random horizontal flip, drawing from `generator` in that
 * order (crop numbers first, then one uniform for the flip).
 */
export function augmentImage(img: RgbImage, size: { readonly height: number; readonly width: number }, generator: Generator, opts: AugmentOptions = {}): Augmented {
  const o = { ...DEFAULT_AUGMENT, ...opts };
  if (!(o.hflip >= 0 && o.hflip <= 1)) throw new Error(`augmentImage: hflip must be a probability in [0, 1], got ${o.hflip}`);
  const box = randomResizedCropBox(img.width, img.height, generatorDraws(generator), o.scale, o.ratio);
  let out = crop(img, box);
  if (out.width !== size.width || out.height !== size.height) out = resize(out, size.width, size.height, o.resample);
  const flipped = o.hflip > 0 && generator.uniform() < o.hflip;
  return { image: flipped ? flipHorizontal(out) : out, flipped, box };
}

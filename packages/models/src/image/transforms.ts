/**
 * The geometric steps of CLIP/BLIP preprocessing, with the integer rounding of the reference
 * libraries (a one-pixel shift of the crop changes every output value, so these matter):
 *
 * - shortest side: the short side becomes `size`, the long one int(size · long / short), i.e.
 *   truncated — torchvision's `Resize(int)` and Hugging Face's `get_resize_output_image_size`
 *   agree on this.
 * - center crop: the two references disagree when the margin is odd.
 *   'torchvision' (`F.center_crop`, used by OpenAI's and open_clip's preprocess):
 *     top = round((H − h) / 2) with Python's round, i.e. half to even (margin 3 → 2, 5 → 2, 7 → 4);
 *     a crop larger than the image pads zeros, floor((h − H) / 2) rows in front.
 *   'hf' (transformers' `center_crop`, used by CLIPImageProcessor):
 *     top = floor((H − h) / 2) (margin 3 → 1, 7 → 3); when padding, ceil((h − H) / 2) in front.
 *   Both pad with 0 (black before normalisation).
 */
import { assertRgbImage, type RgbImage } from './image.js';
import { resize, type ResampleFilter } from './resample.js';

/** Whose integer rule places a center crop with an odd margin (see the file comment). */
export type CropRounding = 'torchvision' | 'hf';

/** (width, height) after resizing the shortest side to `size` (the other side truncated). */
export function shortestSideSize(width: number, height: number, size: number): { width: number; height: number } {
  if (!Number.isInteger(size) || size < 1) throw new Error(`shortestSideSize: size must be a positive integer, got ${size}`);
  if (width <= height) return { width: size, height: Math.trunc((size * height) / width) };
  return { width: Math.trunc((size * width) / height), height: size };
}

/** Resizes so that the shorter side is `size`, keeping the aspect ratio (bicubic by default). */
export function resizeShortestSide(img: RgbImage, size: number, filter: ResampleFilter = 'bicubic'): RgbImage {
  assertRgbImage('resizeShortestSide', img);
  const out = shortestSideSize(img.width, img.height, size);
  return resize(img, out.width, out.height, filter);
}

/** Python's round() for a multiple of 1/2: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** Start of the crop on one axis of length n for a crop of length c, in image coordinates
 * (negative = that many rows/columns of zero padding in front). */
function cropStart(n: number, c: number, rounding: CropRounding): number {
  if (rounding === 'hf') return Math.floor((n - c) / 2);
  return c > n ? -Math.floor((c - n) / 2) : roundHalfEven((n - c) / 2);
}

/** A crop rectangle in source pixel coordinates (it may reach outside the image: zero padding). */
export interface CropBox {
  /** Row and column of the crop's top-left corner in the source; negative inside the padding. */
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}

/** The box `centerCrop` cuts from a width × height image. */
export function centerCropBox(width: number, height: number, cropHeight: number, cropWidth: number, rounding: CropRounding = 'torchvision'): CropBox {
  if (rounding !== 'torchvision' && rounding !== 'hf') throw new Error(`centerCropBox: rounding must be 'torchvision' or 'hf', got '${String(rounding)}'`);
  for (const [name, v] of [['crop height', cropHeight], ['crop width', cropWidth]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`centerCropBox: ${name} must be a positive integer, got ${v}`);
  }
  return { top: cropStart(height, cropHeight, rounding), left: cropStart(width, cropWidth, rounding), height: cropHeight, width: cropWidth };
}

/** Copies `box` out of `img`; pixels outside the image are 0. */
export function crop(img: RgbImage, box: CropBox): RgbImage {
  assertRgbImage('crop', img);
  const { top, left, width, height } = box;
  const out = new Uint8Array(width * height * 3);
  const x0 = Math.max(0, -left);
  const x1 = Math.min(width, img.width - left);
  if (x1 > x0) {
    for (let y = Math.max(0, -top); y < Math.min(height, img.height - top); y++) {
      const src = ((top + y) * img.width + left + x0) * 3;
      out.set(img.data.subarray(src, src + (x1 - x0) * 3), (y * width + x0) * 3);
    }
  }
  return { width, height, data: out };
}

/**
 * Cuts the central size × size (or height × width) region. `rounding` picks whose integer
 * rule places an odd margin (see the file comment): torchvision by default, 'hf' for
 * Hugging Face's processors.
 */
export function centerCrop(img: RgbImage, size: number | { height: number; width: number }, rounding: CropRounding = 'torchvision'): RgbImage {
  assertRgbImage('centerCrop', img);
  const { height, width } = typeof size === 'number' ? { height: size, width: size } : size;
  return crop(img, centerCropBox(img.width, img.height, height, width, rounding));
}

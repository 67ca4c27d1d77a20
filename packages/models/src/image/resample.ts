/**
 * Resizing with PIL's resampling convolution, reproduced to the bit so that a Glimpse
 * preprocessor gives the same uint8 pixels as `Image.resize` (what Hugging Face's and
 * torchvision's CLIP/BLIP preprocessing call). Facts carried from Pillow's Resample.c:
 *
 * - Separable: a horizontal pass, then a vertical pass, each rounded and clipped to uint8 (the
 *   intermediate image is uint8 too, so doing it in float would drift by a level here and there).
 *   A pass whose size does not change is skipped (it would be the identity anyway).
 * - Output pixel i samples the input around center = (i + 0.5) · scale, scale = in / out.
 *   Antialiasing: when downscaling (scale > 1) the kernel is stretched by the scale, so each
 *   output pixel averages every input pixel under it; when upscaling it is not stretched.
 *   support = kernel support · max(scale, 1); taps run from trunc(center − support + 0.5)
 *   (at least 0) to trunc(center + support + 0.5) (at most in), weights
 *   k((j − center + 0.5) / max(scale, 1)), normalised to sum 1. Near the borders the window is
 *   cut, and the renormalisation makes it an edge-clamped filter.
 * - Kernels: bicubic (Keys, a = −0.5, support 2) and bilinear (triangle, support 1).
 * - 8-bit arithmetic: weights become fixed point with 22 fractional bits (rounded half away
 *   from zero); a pass sums value · weight onto 2^21 (for rounding), shifts right by 22 and
 *   clips to 0..255.
 */
import { assertRgbImage, type RgbImage } from './image.js';

/** The resampling filters Glimpse reproduces: PIL's BICUBIC (3) and BILINEAR (2). */
export type ResampleFilter = 'bicubic' | 'bilinear';

interface Kernel {
  readonly support: number;
  readonly at: (x: number) => number;
}

/** Keys' cubic convolution with a = −0.5 (Catmull–Rom); written in PIL's operation order so
 * that the double-precision weights, and so the rounded fixed-point ones, come out identical. */
function bicubic(x: number): number {
  const a = -0.5;
  if (x < 0) x = -x;
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

function triangle(x: number): number {
  if (x < 0) x = -x;
  return x < 1 ? 1 - x : 0;
}

/** Each filter's kernel: its support (radius, in input pixels at scale 1) and its value at x. */
export const RESAMPLE_KERNELS: Readonly<Record<ResampleFilter, Kernel>> = {
  bicubic: { support: 2, at: bicubic },
  bilinear: { support: 1, at: triangle },
};

const PRECISION_BITS = 22;
const ONE = 1 << PRECISION_BITS;

/** For each output index: the first input tap, the tap count, and `taps` fixed-point weights. */
export interface Coefficients {
  readonly first: Int32Array;
  readonly count: Int32Array;
  /** Weights, `taps` per output (unused slots 0), as integers scaled by 2^22. */
  readonly weights: Int32Array;
  readonly taps: number;
  /** The same weights before fixed-point rounding (for tests and teaching). */
  readonly exact: Float64Array;
}

/** The 1-D resampling weights mapping `inSize` samples to `outSize` (see the file comment). */
export function resampleCoefficients(inSize: number, outSize: number, filter: ResampleFilter): Coefficients {
  const kernel = RESAMPLE_KERNELS[filter];
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = kernel.support * filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const inv = 1 / filterScale; // PIL multiplies by the reciprocal; dividing could differ in the last bit
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const exact = new Float64Array(outSize * taps);
  const weights = new Int32Array(outSize * taps);
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const hi = Math.min(Math.trunc(center + support + 0.5), inSize);
    const n = hi - lo;
    let sum = 0;
    for (let t = 0; t < n; t++) {
      const w = kernel.at((t + lo - center + 0.5) * inv);
      exact[i * taps + t] = w;
      sum += w;
    }
    for (let t = 0; t < n; t++) {
      const k = i * taps + t;
      if (sum !== 0) exact[k] = exact[k]! / sum;
      const w = exact[k]!;
      weights[k] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    first[i] = lo;
    count[i] = n;
  }
  return { first, count, weights, taps, exact };
}

/** (sum + 2^21) >> 22 clipped to a byte: the rounding of one fixed-point dot product. */
function clip8(acc: number): number {
  const v = (acc + (1 << (PRECISION_BITS - 1))) >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

function horizontalPass(src: Uint8Array, width: number, height: number, outWidth: number, c: Coefficients): Uint8Array {
  const out = new Uint8Array(outWidth * height * 3);
  for (let y = 0; y < height; y++) {
    const row = y * width * 3;
    for (let x = 0; x < outWidth; x++) {
      const base = x * c.taps;
      const n = c.count[x]!;
      let p = row + c.first[x]! * 3;
      let r = 0, g = 0, b = 0;
      for (let t = 0; t < n; t++, p += 3) {
        const w = c.weights[base + t]!;
        r += src[p]! * w;
        g += src[p + 1]! * w;
        b += src[p + 2]! * w;
      }
      const o = (y * outWidth + x) * 3;
      out[o] = clip8(r);
      out[o + 1] = clip8(g);
      out[o + 2] = clip8(b);
    }
  }
  return out;
}

function verticalPass(src: Uint8Array, width: number, outHeight: number, c: Coefficients): Uint8Array {
  const stride = width * 3;
  const out = new Uint8Array(stride * outHeight);
  const acc = new Float64Array(stride);
  for (let y = 0; y < outHeight; y++) {
    acc.fill(0);
    const base = y * c.taps;
    const n = c.count[y]!;
    for (let t = 0; t < n; t++) {
      const w = c.weights[base + t]!;
      const row = (c.first[y]! + t) * stride;
      for (let i = 0; i < stride; i++) acc[i]! += src[row + i]! * w;
    }
    const o = y * stride;
    for (let i = 0; i < stride; i++) out[o + i] = clip8(acc[i]!);
  }
  return out;
}

/**
 * Resizes to width × height with PIL's convolution (bicubic by default, PIL's BICUBIC = 3;
 * bilinear = PIL's BILINEAR = 2), antialiased when downscaling. Exact to PIL's uint8 output.
 */
export function resize(img: RgbImage, width: number, height: number, filter: ResampleFilter = 'bicubic'): RgbImage {
  assertRgbImage('resize', img);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`resize: target size must be positive integers, got ${width}x${height}`);
  }
  if (!(filter in RESAMPLE_KERNELS)) throw new Error(`resize: unknown filter '${String(filter)}' (use 'bicubic' or 'bilinear')`);
  let data = img.data;
  if (width !== img.width) data = horizontalPass(data, img.width, img.height, width, resampleCoefficients(img.width, width, filter));
  if (height !== img.height) data = verticalPass(data, width, height, resampleCoefficients(img.height, height, filter));
  return { width, height, data: data === img.data ? data.slice() : data };
}

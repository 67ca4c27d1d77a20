/**
 * The last two steps of JPEG decoding — chroma upsampling and YCbCr → RGB — done the way
 * libjpeg(-turbo) does them (what PIL uses), instead of jpeg-js's own, so that a Glimpse
 * decode lands within a few levels of PIL's. Measured on a 4:2:0 photo: jpeg-js alone differs
 * from PIL by up to 38 levels at colour edges (it replicates each chroma sample over 2×2
 * pixels); with this, by up to 3 (what remains is the inverse DCT, which jpeg-js computes
 * differently from libjpeg's islow).
 *
 * Facts carried from libjpeg (jdsample.c, jdcolor.c):
 * - "Fancy" upsampling is a triangle filter: each output sample is 3/4 of the nearest input
 *   sample and 1/4 of the next nearest, horizontally (h2v1), or in both directions (h2v2, i.e.
 *   9/16, 3/16, 3/16, 1/16), with alternating rounding biases, and the edge samples copied
 *   (first/last column, and the rows above the first and below the last).
 *   h2v1: out[2j] = (3·in[j] + in[j−1] + 1) >> 2, out[2j+1] = (3·in[j] + in[j+1] + 2) >> 2.
 *   h2v2: with column sums s[j] = 3·in[row][j] + in[row ± 1][j] (− for the upper output row,
 *   + for the lower), out[2j] = (3·s[j] + s[j−1] + 8) >> 4, out[2j+1] = (3·s[j] + s[j+1] + 7) >> 4.
 *   Other subsamplings are replicated here (libjpeg-turbo filters h1v2 too; not reproduced).
 * - YCbCr → RGB in 16-bit fixed point with tables: FIX(x) = round(x · 2^16),
 *   R = Y + ((FIX(1.402)·(Cr−128) + 2^15) >> 16),
 *   G = Y + ((−FIX(0.34414)·(Cb−128) − FIX(0.71414)·(Cr−128) + 2^15) >> 16),
 *   B = Y + ((FIX(1.772)·(Cb−128) + 2^15) >> 16), each clamped to 0..255.
 */

/** Sampling factors of one JPEG component (from the frame header). */
export interface JpegSampling {
  readonly h: number;
  readonly v: number;
}

const FIX = (x: number) => Math.trunc(x * 65536 + 0.5);
const CR_R = FIX(1.402);
const CB_G = FIX(0.34414);
const CR_G = FIX(0.71414);
const CB_B = FIX(1.772);

/** One downsampled plane → full resolution (width × height): libjpeg's fancy filter for h2v1
 * and h2v2, replication otherwise (and for planes one sample wide). */
function upsample(plane: Uint8Array, dw: number, dh: number, fx: number, fy: number, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const at = (i: number, j: number) => plane[i * dw + j]!;
  const h2v1 = fx === 2 && fy === 1 && dw > 1;
  const h2v2 = fx === 2 && fy === 2 && dw > 1;
  for (let y = 0; y < height; y++) {
    const i = Math.floor(y / fy);
    // h2v2 mixes in the row above (for the upper output row of a pair) or below (the lower).
    const i1 = y % 2 === 0 ? Math.max(i - 1, 0) : Math.min(i + 1, dh - 1);
    const sum = (j: number) => 3 * at(i, j) + at(i1, j);
    for (let x = 0; x < width; x++) {
      const j = Math.floor(x / fx);
      const even = x % 2 === 0;
      let v: number;
      if (h2v1) {
        if (even) v = j === 0 ? at(i, 0) : (3 * at(i, j) + at(i, j - 1) + 1) >> 2;
        else v = j === dw - 1 ? at(i, j) : (3 * at(i, j) + at(i, j + 1) + 2) >> 2;
      } else if (h2v2) {
        if (even) v = j === 0 ? (4 * sum(0) + 8) >> 4 : (3 * sum(j) + sum(j - 1) + 8) >> 4;
        else v = j === dw - 1 ? (4 * sum(j) + 7) >> 4 : (3 * sum(j) + sum(j + 1) + 7) >> 4;
      } else {
        v = at(i, j);
      }
      out[y * width + x] = v;
    }
  }
  return out;
}

/**
 * jpeg-js's raw component values (decoded with colorTransform off, so each pixel holds its
 * component samples, chroma replicated) → RGB as libjpeg makes it. `sampling` lists the three
 * components' factors; `ycc` says whether they are YCbCr (else RGB, only upsampled). Returns
 * undefined when the first component is not at full resolution (then the caller keeps
 * jpeg-js's conversion).
 */
export function libjpegColor(raw: Uint8Array, width: number, height: number, sampling: readonly JpegSampling[], ycc: boolean): Uint8Array | undefined {
  const hmax = Math.max(...sampling.map((s) => s.h));
  const vmax = Math.max(...sampling.map((s) => s.v));
  if (sampling.length !== 3 || sampling[0]!.h !== hmax || sampling[0]!.v !== vmax) return undefined;
  const n = width * height;
  const planes: Uint8Array[] = [];
  for (let c = 1; c < 3; c++) {
    const { h, v } = sampling[c]!;
    const fx = hmax / h;
    const fy = vmax / v;
    if (!Number.isInteger(fx) || !Number.isInteger(fy)) return undefined;
    if (fx === 1 && fy === 1) {
      const p = new Uint8Array(n);
      for (let i = 0; i < n; i++) p[i] = raw[3 * i + c]!;
      planes.push(p);
      continue;
    }
    // jpeg-js put sample (i, j) at every pixel of its fx × fy cell: read it back from the cell's corner.
    const dw = Math.ceil(width / fx);
    const dh = Math.ceil(height / fy);
    const p = new Uint8Array(dw * dh);
    for (let i = 0; i < dh; i++) for (let j = 0; j < dw; j++) p[i * dw + j] = raw[(i * fy * width + j * fx) * 3 + c]!;
    planes.push(upsample(p, dw, dh, fx, fy, width, height));
  }
  const [p1, p2] = planes as [Uint8Array, Uint8Array];
  const out = new Uint8Array(n * 3);
  const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);
  for (let i = 0; i < n; i++) {
    const y = raw[3 * i]!;
    if (!ycc) {
      out[3 * i] = y;
      out[3 * i + 1] = p1[i]!;
      out[3 * i + 2] = p2[i]!;
      continue;
    }
    const cb = p1[i]! - 128;
    const cr = p2[i]! - 128;
    out[3 * i] = clamp(y + ((CR_R * cr + 32768) >> 16));
    out[3 * i + 1] = clamp(y + ((-CB_G * cb - CR_G * cr + 32768) >> 16));
    out[3 * i + 2] = clamp(y + ((CB_B * cb + 32768) >> 16));
  }
  return out;
}

/**
 * C[M,N] = A[M,K] @ B[K,N] for one matrix of a batch, with arbitrary strides on A and B, so
 * transposed (or broadcast, stride 0) operands need no copy by the caller. C is contiguous
 * (row stride N) at cOffset and is overwritten.
 *
 * Shape of the kernel, after GotoBLAS / BLIS: C is cut into MB×NC blocks; for each, K is walked
 * in KC-long slices, the KC×NC slice of B is packed once, then each MC×KC slice of A, into
 * contiguous micro-panels (packPanels), and a 4×4 micro-kernel keeps its 16 sums in local
 * variables. Whatever the strides of A and B, the hot loop only ever reads two Float64Arrays
 * sequentially, which is why transposed operands cost the same as row-major ones.
 */
import type { TypedArray } from '../dtype.js';

// Micro-tile: MR rows of A by NR columns of B. Declared here, not imported: V8 does not fold
// an imported binding into a constant, and reading it in the kernel's loop made it 4× slower.
const MR = 4;
const NR = 4;

export interface MatrixRef {
  data: TypedArray;
  offset: number;
  rowStride: number;
  colStride: number;
}

// Sizes chosen so a packed A block (MC×KC doubles, 256 KiB) stays in L2 while a B micro-panel
// (KC×NR, 8 KiB) stays in L1. On the 2-core dev machine the measured speed was flat (within
// noise, ±5%) for MC 64–256, KC 128–512 and NC 128–512: the JS kernel is bound by
// instruction throughput, not by memory, at least up to n = 1024. MB only sets how often B is
// packed again (once per MB rows of C): packing an element costs about six multiply-adds
// (profiled), and MB = 512 rather than MC saved a few per cent at n = 512.
const MC = 128;
const KC = 256;
const NC = 256;
const MB = 512;

// Packed panels are Float64Array for every dtype: int32 products and sums stay exact up to
// 2^53 (a Float32Array would round them beyond 2^24), float64 keeps full precision, and for
// float32 it measured as fast as packing into a Float32Array. One element type also keeps the
// micro-kernel monomorphic. The buffers are reused between calls (gemm never yields or
// recurses), and their size is bounded by the block sizes, not by the problem.
const packedA = new Float64Array(MC * KC);
const packedB = new Float64Array(KC * NC);
// Sums for one MB×NC block of C live here across all K slices, so float32 results are
// accumulated in double and rounded once, rather than once per K slice.
const acc = new Float64Array(MB * NC);

export function gemm(M: number, N: number, K: number, a: MatrixRef, b: MatrixRef, c: TypedArray, cOffset: number): void {
  for (let ib = 0; ib < M; ib += MB) {
    const mb = Math.min(MB, M - ib);
    for (let jc = 0; jc < N; jc += NC) {
      const nc = Math.min(NC, N - jc);
      const ncPad = roundUp(nc, NR);
      acc.fill(0, 0, roundUp(mb, MR) * ncPad);
      for (let pc = 0; pc < K; pc += KC) {
        const kc = Math.min(KC, K - pc);
        // B[k, j] read as Bᵀ[j, k]: the same packing routine serves both operands.
        packPanels(b.data, b.offset + jc * b.colStride + pc * b.rowStride, b.colStride, b.rowStride, nc, kc, NR, packedB);
        for (let ic = 0; ic < mb; ic += MC) {
          const mc = Math.min(MC, mb - ic);
          const mcPad = roundUp(mc, MR);
          packPanels(a.data, a.offset + (ib + ic) * a.rowStride + pc * a.colStride, a.rowStride, a.colStride, mc, kc, MR, packedA);
          for (let jr = 0; jr < ncPad; jr += NR) {
            for (let ir = 0; ir < mcPad; ir += MR) {
              microKernel(kc, packedA, ir * kc, packedB, jr * kc, acc, (ic + ir) * ncPad + jr, ncPad);
            }
          }
        }
      }
      // The padded rows and columns of `acc` are dropped here. Assigning into `c` rounds to
      // float32 or wraps to int32 exactly once per element.
      for (let i = 0; i < mb; i++) {
        const src = i * ncPad;
        const dst = cOffset + (ib + i) * N + jc;
        for (let j = 0; j < nc; j++) c[dst + j] = acc[src + j]!;
      }
    }
  }
}

/**
 * acc[4×4 tile at ci, row stride ldc] += Apanel(4×kc) · Bpanel(kc×4). Sixteen named sums are
 * what lets V8 keep them in registers (an array would be a load and a store per multiply-add).
 * Wider tiles (4×8, 6×4, 8×4) and unrolling k by two measured the same, within noise; counting
 * `ai` up to an end instead of keeping a separate k measured about 3% faster.
 */
function microKernel(kc: number, A: Float64Array, ai: number, B: Float64Array, bi: number, C: Float64Array, ci: number, ldc: number): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (const end = ai + kc * MR; ai < end; ai += MR, bi += NR) {
    const a0 = A[ai]!, a1 = A[ai + 1]!, a2 = A[ai + 2]!, a3 = A[ai + 3]!;
    const b0 = B[bi]!, b1 = B[bi + 1]!, b2 = B[bi + 2]!, b3 = B[bi + 3]!;
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  C[ci]! += c00; C[ci + 1]! += c01; C[ci + 2]! += c02; C[ci + 3]! += c03; ci += ldc;
  C[ci]! += c10; C[ci + 1]! += c11; C[ci + 2]! += c12; C[ci + 3]! += c13; ci += ldc;
  C[ci]! += c20; C[ci + 1]! += c21; C[ci + 2]! += c22; C[ci + 3]! += c23; ci += ldc;
  C[ci]! += c30; C[ci + 1]! += c31; C[ci + 2]! += c32; C[ci + 3]! += c33;
}

/**
 * Packs `rows` × `kc` elements, element (r, k) at src[offset + r*rowStride + k*kStride], as
 * micro-panels of `width` rows: panel p holds rows p*width… for k = 0…kc-1, `width` values per
 * k. A is packed with its (rowStride, colStride); B as Bᵀ, with (colStride, rowStride).
 * The last panel is padded with zeros, so the kernel never needs an edge case: the padded
 * sums land in rows/columns of the accumulator that are never copied out.
 */
export function packPanels(
  src: TypedArray,
  offset: number,
  rowStride: number,
  kStride: number,
  rows: number,
  kc: number,
  width: number,
  dst: Float64Array,
): void {
  let d = 0;
  for (let r0 = 0; r0 < rows; r0 += width) {
    const w = Math.min(width, rows - r0);
    let base = offset + r0 * rowStride;
    for (let k = 0; k < kc; k++, base += kStride) {
      let r = 0;
      for (let s = base; r < w; r++, s += rowStride) dst[d++] = src[s]!;
      for (; r < width; r++) dst[d++] = 0;
    }
  }
}

function roundUp(n: number, m: number): number {
  return Math.ceil(n / m) * m;
}

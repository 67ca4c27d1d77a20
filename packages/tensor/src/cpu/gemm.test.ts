import { describe, expect, it } from 'vitest';
import type { TypedArray } from '../dtype.js';
import { gemm, type MatrixRef } from './gemm.js';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor;

/** Deterministic values (xorshift32), so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** The textbook loop: the reference every case is compared with. */
function naive(M: number, N: number, K: number, a: MatrixRef, b: MatrixRef): { sum: Float64Array; abs: Float64Array } {
  const sum = new Float64Array(M * N);
  const abs = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      let t = 0;
      for (let k = 0; k < K; k++) {
        const p = a.data[a.offset + i * a.rowStride + k * a.colStride]! * b.data[b.offset + k * b.rowStride + j * b.colStride]!;
        s += p;
        t += Math.abs(p);
      }
      sum[i * N + j] = s;
      abs[i * N + j] = t;
    }
  }
  return { sum, abs };
}

type Layout = 'rowMajor' | 'transposed' | 'padded' | 'negative' | 'broadcastRow';

/**
 * Places a rows×cols matrix in a larger buffer with the given layout, at a non-zero offset, so
 * that reading outside the view (or ignoring the offset) shows up as a wrong result.
 */
function makeMatrix(ctor: Ctor, rows: number, cols: number, layout: Layout, next: () => number, ints: boolean): MatrixRef {
  const pad = 3;
  const value = () => (ints ? Math.floor(next() * 19) - 9 : next() * 2 - 1);
  let rowStride: number;
  let colStride: number;
  let offset: number;
  let size: number;
  switch (layout) {
    case 'rowMajor':
      [rowStride, colStride, offset, size] = [cols, 1, pad, pad + rows * cols];
      break;
    case 'transposed':
      [rowStride, colStride, offset, size] = [1, rows, pad, pad + rows * cols];
      break;
    case 'padded': // every other column of a wider matrix, rows with slack at the end
      [rowStride, colStride, offset, size] = [2 * cols + 5, 2, pad, pad + rows * (2 * cols + 5)];
      break;
    case 'negative': // rows and columns both walked backwards (a flipped view)
      [rowStride, colStride, offset, size] = [-cols, -1, pad + rows * cols - 1, pad + rows * cols];
      break;
    case 'broadcastRow': // one row expanded to all rows (stride 0), as `expand` makes
      [rowStride, colStride, offset, size] = [0, 1, pad, pad + cols];
      break;
  }
  const data = new ctor(Math.max(size, 1));
  for (let i = 0; i < data.length; i++) data[i] = value();
  return { data, offset, rowStride, colStride };
}

const SENTINEL = 7;

function run(ctor: Ctor, M: number, N: number, K: number, la: Layout, lb: Layout, ints: boolean, seed: number) {
  const next = rng(seed);
  const a = makeMatrix(ctor, M, K, la, next, ints);
  const b = makeMatrix(ctor, K, N, lb, next, ints);
  // C sits between sentinels: gemm must write exactly M*N elements at cOffset, overwriting them.
  const cOffset = 5;
  const c: TypedArray = new ctor(cOffset + M * N + 4).fill(SENTINEL);
  gemm(M, N, K, a, b, c, cOffset);
  for (let i = 0; i < cOffset; i++) expect(c[i]).toBe(SENTINEL);
  for (let i = cOffset + M * N; i < c.length; i++) expect(c[i]).toBe(SENTINEL);
  return { got: c.subarray(cOffset, cOffset + M * N), ref: naive(M, N, K, a, b) };
}

/** Rounds a double sum the way storing it into `ctor` does. */
function stored(ctor: Ctor, x: number): number {
  return ctor === Float32Array ? Math.fround(x) : ctor === Int32Array ? x | 0 : x;
}

/**
 * Both gemm and the reference sum in double; only the order of the additions differs (gemm
 * adds K in slices). Each order is within K·2⁻⁵³·Σ|aₖbₖ| of the exact sum, so they differ by at
 * most twice that. float64 results are compared with that bound. float32 results are that sum
 * rounded once to float32, so on top they may differ by one float32 ulp where the two doubles
 * straddle a rounding boundary. int32 must be exact: small-int products and sums are exact in
 * double, in any order.
 */
function expectClose(ctor: Ctor, K: number, got: ArrayLike<number>, ref: { sum: Float64Array; abs: Float64Array }) {
  for (let i = 0; i < got.length; i++) {
    const want = stored(ctor, ref.sum[i]!);
    if (ctor === Int32Array) {
      if (got[i] !== want) expect(got[i], `element ${i}`).toBe(want);
      continue;
    }
    let tol = 2 * K * 2 ** -53 * ref.abs[i]!;
    if (ctor === Float32Array) tol += Math.abs(want) * 2 ** -23 + 2 ** -149;
    const err = Math.abs(got[i]! - want);
    if (!(err <= tol)) expect(err, `element ${i}: got ${got[i]}, want ${want}, tolerance ${tol}`).toBeLessThanOrEqual(tol);
  }
}

const dtypes: [string, Ctor][] = [
  ['float32', Float32Array],
  ['float64', Float64Array],
  ['int32', Int32Array],
];

// Small sizes cover the empty cases and every remainder modulo the 4×4 micro-tile; the larger
// ones cross the cache-block edges (MC = 128 and MB = 512 rows, KC = 256 depth, NC = 256 columns).
const small = [0, 1, 2, 3, 4, 5, 7, 8, 9];
const shapes: [number, number, number][] = [];
for (const M of small) for (const N of small) for (const K of [0, 1, 3, 4, 6]) shapes.push([M, N, K]);
shapes.push([1, 300, 17], [300, 1, 17], [17, 13, 257], [129, 9, 5], [5, 257, 3], [130, 258, 260], [64, 64, 64], [1, 1, 600], [517, 6, 9], [1030, 3, 2]);

const layouts: [Layout, Layout][] = [
  ['rowMajor', 'rowMajor'],
  ['transposed', 'rowMajor'],
  ['rowMajor', 'transposed'],
  ['transposed', 'transposed'],
  ['padded', 'negative'],
  ['broadcastRow', 'padded'],
];

describe.each(dtypes)('gemm %s', (_name, ctor) => {
  it('matches the textbook loop on every small shape and layout', () => {
    let seed = 1;
    for (const [M, N, K] of shapes) {
      if (M * N * K > 1e6) continue;
      for (const [la, lb] of layouts) {
        const { got, ref } = run(ctor, M, N, K, la, lb, ctor === Int32Array, seed++);
        expectClose(ctor, K, got, ref);
      }
    }
  });

  it('is exact for small-integer values (no index slip hides under a tolerance)', () => {
    let seed = 1000;
    for (const [M, N, K] of [[7, 9, 11], [33, 17, 300], [130, 258, 260]] as const) {
      for (const [la, lb] of layouts) {
        const { got, ref } = run(ctor, M, N, K, la, lb, true, seed++);
        expect(Array.from(got)).toEqual(Array.from(ref.sum, (x) => stored(ctor, x)));
      }
    }
  });

  it('writes zeros when K = 0, whatever C held', () => {
    const { got } = run(ctor, 3, 5, 0, 'rowMajor', 'rowMajor', false, 9);
    expect(Array.from(got)).toEqual(new Array(15).fill(0));
  });
});

describe('gemm precision', () => {
  it('accumulates float64 in double', () => {
    // 1 + 2⁻⁵² … survives only if nothing is rounded to float32 on the way.
    const K = 300;
    const a = new Float64Array(K).fill(1);
    const b = new Float64Array(K).fill(2 ** -52);
    b[0] = 1;
    const c = new Float64Array(1);
    gemm(1, 1, K, { data: a, offset: 0, rowStride: K, colStride: 1 }, { data: b, offset: 0, rowStride: 1, colStride: 1 }, c, 0);
    expect(c[0]).toBe(1 + (K - 1) * 2 ** -52);
  });

  it('accumulates float32 in double across K slices and rounds once', () => {
    // 600 terms of 2⁻²⁴ after a 1: summed in float32 each would vanish; in double they add up.
    const K = 601;
    const a = new Float32Array(K).fill(2 ** -24);
    a[0] = 1;
    const b = new Float32Array(K).fill(1);
    const c = new Float32Array(1);
    gemm(1, 1, K, { data: a, offset: 0, rowStride: K, colStride: 1 }, { data: b, offset: 0, rowStride: 1, colStride: 1 }, c, 0);
    expect(c[0]).toBe(Math.fround(1 + 600 * 2 ** -24));
  });

  it('wraps int32 like the typed array does once the exact sum leaves the int32 range', () => {
    const K = 3;
    const a = new Int32Array([2 ** 30, 2 ** 30, 3]);
    const b = new Int32Array([2, 1, 1]);
    const c = new Int32Array(1);
    gemm(1, 1, K, { data: a, offset: 0, rowStride: K, colStride: 1 }, { data: b, offset: 0, rowStride: 1, colStride: 1 }, c, 0);
    expect(c[0]).toBe((2 ** 31 + 2 ** 30 + 3) | 0);
  });

  it('keeps NaN and Infinity where the textbook loop has them, and only there', () => {
    const a = new Float64Array([Infinity, 1, 2, 3, NaN, 5]); // 2×3
    const b = new Float64Array([1, 0, 1, 1, 1, 1]); // 3×2
    const c = new Float64Array(4);
    const A = { data: a, offset: 0, rowStride: 3, colStride: 1 };
    const B = { data: b, offset: 0, rowStride: 2, colStride: 1 };
    gemm(2, 2, 3, A, B, c, 0);
    expect(Array.from(c)).toEqual(Array.from(naive(2, 2, 3, A, B).sum));
  });
});

/**
 * The cpu backend: TypedArray storages, and loops over strided views that walk them row by row
 * (strided.ts) with one kernel call per row (kernels.ts).
 */
import type { Backend, BinaryOp, ReduceOp, Storage, UnaryOp, View } from '../backend.js';
import { allocArray, type DType, type TypedArray } from '../dtype.js';
import { contiguousStrides, type Shape } from '../shape.js';
import { gemm } from './gemm.js';
import { BINARY_CODE, REDUCE_CODE, REDUCE_INIT, UNARY_CODE, binaryRow, copyRow, foldRow, isPredicate, reduceRow, unaryRow, whereRow } from './kernels.js';
import { offsetsOf, RowWalker } from './strided.js';

const sizeOf = (shape: Shape) => shape.reduce((a, b) => a * b, 1);
const data = (v: View) => v.storage as TypedArray;

// How results are stored: every kernel computes in double and assigns to the output array,
// which rounds once to float32, or truncates toward zero and wraps to int32 (ToInt32 is exactly
// Math.trunc followed by the wrap). Only bool needs more than the assignment, 'nonzero is true'
// (NaN too, as in C++ and PyTorch), so a bool result of anything but a predicate is computed
// into a Float64Array first (exact) and then converted by `toBool`.

function toBool(values: Float64Array): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] !== 0 ? 1 : 0;
  return out;
}

/** The array a kernel writes into for a result of `dtype`: a Float64Array when bool needs `toBool` after. */
const target = (dtype: DType, size: number, convertsToBool: boolean): TypedArray =>
  convertsToBool ? new Float64Array(size) : allocArray(dtype, size);
const finish = (out: TypedArray, convertsToBool: boolean): TypedArray => (convertsToBool ? toBool(out as Float64Array) : out);

/** Contiguous copy of x into an array of `dtype`; with `boolify`, a bool result is 'nonzero' (copy), without, raw (read). */
function copyOf(x: View, dtype: DType, boolify: boolean): TypedArray {
  const X = data(x);
  const n = sizeOf(x.shape);
  const w = new RowWalker(x.shape, [x.strides], [x.offset]);
  const convert = boolify && dtype === 'bool';
  if (w.rows === 1 && w.stride[0] === 1 && dtype === x.dtype && !convert) return X.slice(w.at[0], w.at[0]! + n);
  const out = target(dtype, n, convert);
  for (let r = 0, o = 0; r < w.rows; r++, o += w.inner, w.next()) copyRow(out, o, w.inner, X, w.at[0]!, w.stride[0]!);
  return finish(out, convert);
}

export class CpuBackend implements Backend {
  readonly name = 'cpu';

  fromArray(data: TypedArray): Storage {
    return data;
  }

  read(x: View): TypedArray {
    return copyOf(x, x.dtype, false);
  }

  copy(x: View, dtype: DType): Storage {
    return copyOf(x, dtype, true);
  }

  unary(op: UnaryOp, x: View, dtype: DType): Storage {
    const code = UNARY_CODE[op];
    const X = data(x);
    const bool = dtype === 'bool' && op !== 'not';
    const out = target(dtype, sizeOf(x.shape), bool);
    const w = new RowWalker(x.shape, [x.strides], [x.offset]);
    for (let r = 0, o = 0; r < w.rows; r++, o += w.inner, w.next()) unaryRow(code, out, o, w.inner, X, w.at[0]!, w.stride[0]!);
    return finish(out, bool);
  }

  binary(op: BinaryOp, a: View, b: View, dtype: DType): Storage {
    const code = BINARY_CODE[op];
    const [A, B] = [data(a), data(b)];
    const bool = dtype === 'bool' && !isPredicate(op);
    const out = target(dtype, sizeOf(a.shape), bool);
    const w = new RowWalker(a.shape, [a.strides, b.strides], [a.offset, b.offset]);
    const [sa, sb] = w.stride as [number, number];
    for (let r = 0, o = 0; r < w.rows; r++, o += w.inner, w.next()) binaryRow(code, out, o, w.inner, A, w.at[0]!, sa, B, w.at[1]!, sb);
    return finish(out, bool);
  }

  where(cond: View, a: View, b: View, dtype: DType): Storage {
    const out = allocArray(dtype, sizeOf(cond.shape));
    const [C, A, B] = [data(cond), data(a), data(b)];
    const w = new RowWalker(cond.shape, [cond.strides, a.strides, b.strides], [cond.offset, a.offset, b.offset]);
    const [sc, sa, sb] = w.stride as [number, number, number];
    for (let r = 0, o = 0; r < w.rows; r++, o += w.inner, w.next()) whereRow(out, o, w.inner, C, w.at[0]!, sc, A, w.at[1]!, sa, B, w.at[2]!, sb);
    return out;
  }

  /**
   * Each output folds its reduced elements in row-major order, starting from the op's identity,
   * whichever loop order runs: one output at a time along the reduced dims when they are the
   * faster-moving ones (a last-axis sum), or one reduced position at a time across a row of
   * outputs when the kept dims are (a bias gradient summed over [B, T] of [B, T, C]). Both give
   * every output the same sequence of additions, so the result does not depend on the order.
   */
  reduce(op: ReduceOp, x: View, axes: readonly number[], dtype: DType): Storage {
    const keptAxes = x.shape.map((_, d) => d).filter((d) => !axes.includes(d));
    const kept = new RowWalker(keptAxes.map((d) => x.shape[d]!), [keptAxes.map((d) => x.strides[d]!)], [x.offset]);
    const red = new RowWalker(axes.map((d) => x.shape[d]!), [axes.map((d) => x.strides[d]!)], [0]);
    const X = data(x);
    const out = allocArray(dtype, kept.rows * kept.inner);
    if (op === 'argmax' || op === 'argmin') {
      if (red.inner === 0) throw new Error(`${op}: cannot reduce an empty axis`);
      const [n, s] = [red.inner, red.stride[0]!]; // one axis: one row
      for (let r = 0, o = 0; r < kept.rows; r++, kept.next()) {
        for (let i = 0; i < kept.inner; i++, o++) out[o] = argRow(op === 'argmax', X, kept.at[0]! + i * kept.stride[0]!, s, n);
      }
      return out;
    }
    const code = REDUCE_CODE[op];
    const init = REDUCE_INIT[code]!;
    const keptFirst = Math.abs(red.stride[0]!) <= Math.abs(kept.stride[0]!) || kept.inner <= 1;
    if (keptFirst) {
      const [sk, sr, n] = [kept.stride[0]!, red.stride[0]!, red.inner];
      for (let r = 0, o = 0; r < kept.rows; r++, kept.next()) {
        for (let i = 0, p = kept.at[0]!; i < kept.inner; i++, o++, p += sk) {
          let acc = init;
          if (red.rows === 1) acc = reduceRow(code, acc, X, p, sr, n); // one row (a last-axis sum): nothing to walk
          else {
            red.reset(p);
            for (let rr = 0; rr < red.rows; rr++, red.next()) acc = reduceRow(code, acc, X, red.at[0]!, sr, n);
          }
          out[o] = acc;
        }
      }
      return out;
    }
    const acc = new Float64Array(out.length).fill(init);
    for (let rr = 0; rr < red.rows; rr++, red.next()) {
      for (let j = 0; j < red.inner; j++) {
        kept.reset(red.at[0]! + j * red.stride[0]!);
        for (let r = 0, o = 0; r < kept.rows; r++, o += kept.inner, kept.next()) foldRow(code, acc, o, kept.inner, X, kept.at[0]!, kept.stride[0]!);
      }
    }
    out.set(acc); // the same conversion as assigning each element
    return out;
  }

  matmul(a: View, b: View, dtype: DType): Storage {
    const r = a.shape.length;
    const [M, K, N] = [a.shape[r - 2]!, a.shape[r - 1]!, b.shape[r - 1]!];
    const batchShape = a.shape.slice(0, r - 2);
    const aBatch = offsetsOf(batchShape, a.strides.slice(0, r - 2), a.offset);
    const bBatch = offsetsOf(batchShape, b.strides.slice(0, r - 2), b.offset);
    const out = allocArray(dtype, aBatch.length * M * N);
    const A = { data: data(a), offset: 0, rowStride: a.strides[r - 2]!, colStride: a.strides[r - 1]! };
    const B = { data: data(b), offset: 0, rowStride: b.strides[r - 2]!, colStride: b.strides[r - 1]! };
    for (let i = 0; i < aBatch.length; i++) {
      A.offset = aBatch[i]!;
      B.offset = bBatch[i]!;
      gemm(M, N, K, A, B, out, i * M * N);
    }
    return out;
  }

  gather(x: View, axis: number, index: View): Storage {
    const xBase = offsetsOf(index.shape, x.strides.map((s, d) => (d === axis ? 0 : s)), x.offset);
    const idx = offsetsOf(index.shape, index.strides, index.offset);
    const X = data(x);
    const I = data(index);
    const n = x.shape[axis]!;
    const step = x.strides[axis]!;
    const out = allocArray(x.dtype, idx.length);
    for (let i = 0; i < idx.length; i++) {
      const j = I[idx[i]!]!;
      if (j < 0 || j >= n) throw new Error(`gather: index ${j} is out of range for axis ${axis} of size ${n}`);
      out[i] = X[xBase[i]! + j * step]!;
    }
    return out;
  }

  scatterAdd(x: View, axis: number, index: View, src: View): Storage {
    const out = this.copy(x, x.dtype) as TypedArray;
    const outStrides = contiguousStrides(x.shape);
    const outBase = offsetsOf(index.shape, outStrides.map((s, d) => (d === axis ? 0 : s)), 0);
    const idx = offsetsOf(index.shape, index.strides, index.offset);
    const srcAt = offsetsOf(index.shape, src.strides, src.offset);
    const I = data(index);
    const S = data(src);
    const n = x.shape[axis]!;
    const step = outStrides[axis]!;
    for (let i = 0; i < idx.length; i++) {
      const j = I[idx[i]!]!;
      if (j < 0 || j >= n) throw new Error(`scatterAdd: index ${j} is out of range for axis ${axis} of size ${n}`);
      out[outBase[i]! + j * step]! += S[srcAt[i]!]!;
    }
    return out;
  }

  concat(xs: readonly View[], axis: number, outShape: Shape): Storage {
    const out = allocArray(xs[0]!.dtype, sizeOf(outShape));
    const outStrides = contiguousStrides(outShape);
    let start = 0;
    for (const x of xs) {
      const dst = offsetsOf(x.shape, outStrides, start * outStrides[axis]!);
      const src = offsetsOf(x.shape, x.strides, x.offset);
      const X = data(x);
      for (let i = 0; i < src.length; i++) out[dst[i]!] = X[src[i]!]!;
      start += x.shape[axis]!;
    }
    return out;
  }

  dispose(): void {
    // Host memory belongs to the garbage collector.
  }
}

/** Index of the first largest (smallest) of n elements X[p], X[p+s], …; the first NaN wins, as in PyTorch. */
function argRow(max: boolean, X: TypedArray, p: number, s: number, n: number): number {
  let best = X[p]!;
  let bestAt = 0;
  for (let r = 1; r < n && !Number.isNaN(best); r++) {
    const v = X[p + r * s]!;
    if ((max ? v > best : v < best) || Number.isNaN(v)) {
      best = v;
      bestAt = r;
    }
  }
  return bestAt;
}

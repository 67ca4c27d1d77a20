/** The cpu backend: TypedArray storages and plain loops over strided views. */
import type { Backend, BinaryOp, ReduceOp, Storage, UnaryOp, View } from '../backend.js';
import { allocArray, type DType, type TypedArray } from '../dtype.js';
import { contiguousStrides, type Shape } from '../shape.js';
import { gemm } from './gemm.js';
import { BINARY, UNARY } from './scalar-ops.js';
import { offsetsOf, rowsOf } from './strided.js';

const sizeOf = (shape: Shape) => shape.reduce((a, b) => a * b, 1);
const data = (v: View) => v.storage as TypedArray;

/** Converts a double to what `dtype` stores: ints truncate toward zero (the typed array wraps). */
function storeConverter(dtype: DType): ((x: number) => number) | undefined {
  if (dtype === 'int32') return Math.trunc;
  if (dtype === 'bool') return (x) => (x !== 0 ? 1 : 0); // NaN is true, as in C++ and PyTorch
  return undefined;
}

function map1(x: View, dtype: DType, f: (a: number) => number): TypedArray {
  const out = allocArray(dtype, sizeOf(x.shape));
  const X = data(x);
  const { inner, innerStrides, starts } = rowsOf(x.shape, [x.strides], [x.offset]);
  const sx = innerStrides[0]!;
  const rows = starts[0]!;
  let o = 0;
  for (let r = 0; r < rows.length; r++) {
    let p = rows[r]!;
    for (let i = 0; i < inner; i++, p += sx) out[o++] = f(X[p]!);
  }
  return out;
}

function map2(a: View, b: View, dtype: DType, f: (x: number, y: number) => number): TypedArray {
  const out = allocArray(dtype, sizeOf(a.shape));
  const A = data(a);
  const B = data(b);
  const { inner, innerStrides, starts } = rowsOf(a.shape, [a.strides, b.strides], [a.offset, b.offset]);
  const [sa, sb] = innerStrides as [number, number];
  const [ra, rb] = starts as [Int32Array, Int32Array];
  let o = 0;
  for (let r = 0; r < ra.length; r++) {
    let pa = ra[r]!;
    let pb = rb[r]!;
    for (let i = 0; i < inner; i++, pa += sa, pb += sb) out[o++] = f(A[pa]!, B[pb]!);
  }
  return out;
}

function withStore(dtype: DType, f: (x: number) => number): (x: number) => number {
  const conv = storeConverter(dtype);
  return conv ? (x) => conv(f(x)) : f;
}

const REDUCERS: Record<'sum' | 'prod' | 'max' | 'min', { init: number; step: (acc: number, x: number) => number }> = {
  sum: { init: 0, step: (acc, x) => acc + x },
  prod: { init: 1, step: (acc, x) => acc * x },
  // NaN wins, as in PyTorch.
  max: { init: -Infinity, step: (acc, x) => (x > acc || Number.isNaN(x) ? x : acc) },
  min: { init: Infinity, step: (acc, x) => (x < acc || Number.isNaN(x) ? x : acc) },
};

export class CpuBackend implements Backend {
  readonly name = 'cpu';

  fromArray(data: TypedArray): Storage {
    return data;
  }

  read(x: View): TypedArray {
    return map1(x, x.dtype, (v) => v);
  }

  copy(x: View, dtype: DType): Storage {
    return map1(x, dtype, withStore(dtype, (v) => v));
  }

  unary(op: UnaryOp, x: View, dtype: DType): Storage {
    return map1(x, dtype, withStore(dtype, UNARY[op]));
  }

  binary(op: BinaryOp, a: View, b: View, dtype: DType): Storage {
    const f = BINARY[op];
    const conv = storeConverter(dtype);
    return map2(a, b, dtype, conv ? (x, y) => conv(f(x, y)) : f);
  }

  where(cond: View, a: View, b: View, dtype: DType): Storage {
    const out = allocArray(dtype, sizeOf(cond.shape));
    const C = data(cond);
    const A = data(a);
    const B = data(b);
    const { inner, innerStrides, starts } = rowsOf(cond.shape, [cond.strides, a.strides, b.strides], [cond.offset, a.offset, b.offset]);
    const [sc, sa, sb] = innerStrides as [number, number, number];
    const [rc, ra, rb] = starts as [Int32Array, Int32Array, Int32Array];
    let o = 0;
    for (let r = 0; r < rc.length; r++) {
      let pc = rc[r]!;
      let pa = ra[r]!;
      let pb = rb[r]!;
      for (let i = 0; i < inner; i++, pc += sc, pa += sa, pb += sb) out[o++] = C[pc] ? A[pa]! : B[pb]!;
    }
    return out;
  }

  reduce(op: ReduceOp, x: View, axes: readonly number[], dtype: DType): Storage {
    const keptAxes = x.shape.map((_, d) => d).filter((d) => !axes.includes(d));
    const kept = offsetsOf(keptAxes.map((d) => x.shape[d]!), keptAxes.map((d) => x.strides[d]!), x.offset);
    const reduced = offsetsOf(axes.map((d) => x.shape[d]!), axes.map((d) => x.strides[d]!), 0);
    const X = data(x);
    const out = allocArray(dtype, kept.length);
    if (op === 'argmax' || op === 'argmin') {
      if (reduced.length === 0) throw new Error(`${op}: cannot reduce an empty axis`);
      const better = op === 'argmax' ? (v: number, best: number) => v > best : (v: number, best: number) => v < best;
      for (let k = 0; k < kept.length; k++) {
        const base = kept[k]!;
        let best = X[base + reduced[0]!]!;
        let bestAt = 0;
        for (let r = 1; r < reduced.length && !Number.isNaN(best); r++) {
          const v = X[base + reduced[r]!]!;
          if (better(v, best) || Number.isNaN(v)) {
            best = v;
            bestAt = r;
          }
        }
        out[k] = bestAt;
      }
      return out;
    }
    const { init, step } = REDUCERS[op];
    for (let k = 0; k < kept.length; k++) {
      const base = kept[k]!;
      let acc = init;
      for (let r = 0; r < reduced.length; r++) acc = step(acc, X[base + reduced[r]!]!);
      out[k] = acc;
    }
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

/**
 * Walking strided views on the CPU. A view's elements are visited in row-major order of its
 * shape; `offsetsOf` lists the storage offset of each, and `rowsOf` does the same per row so
 * that element-wise kernels run a tight inner loop with a fixed stride.
 */
import type { Shape } from '../shape.js';

/** Storage offsets of every element of (shape, strides, offset), in row-major order. */
export function offsetsOf(shape: Shape, strides: readonly number[], offset: number): Int32Array {
  let size = 1;
  for (const d of shape) size *= d;
  const out = new Int32Array(size);
  if (size === 0) return out;
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  let off = offset;
  for (let i = 0; i < size; i++) {
    out[i] = off;
    for (let d = rank - 1; d >= 0; d--) {
      off += strides[d]!;
      if (++idx[d]! < shape[d]!) break;
      off -= strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * Merges adjacent dims that are contiguous with each other in every operand and drops size-1
 * dims, so that e.g. a contiguous [64, 128, 32] walks as one row of 262144.
 */
export function collapse(shape: Shape, stridesList: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = stridesList.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 && stridesList.every((s, k) => outStrides[k]![last] === s[d]! * n);
    if (mergeable) {
      outShape[last]! *= n;
      stridesList.forEach((s, k) => (outStrides[k]![last] = s[d]!));
    } else {
      outShape.push(n);
      stridesList.forEach((s, k) => outStrides[k]!.push(s[d]!));
    }
  }
  return { shape: outShape, strides: outStrides };
}

export interface Rows {
  /** Elements per row (the innermost collapsed dim). */
  inner: number;
  /** Each operand's stride along the row. */
  innerStrides: number[];
  /** Each operand's storage offset at the start of every row. */
  starts: Int32Array[];
}

/** Splits a walk over `shape` into rows, for several operands that share the shape. */
export function rowsOf(shape: Shape, stridesList: readonly (readonly number[])[], offsets: readonly number[]): Rows {
  const c = collapse(shape, stridesList);
  const rank = c.shape.length;
  if (shape.some((d) => d === 0)) return { inner: 0, innerStrides: offsets.map(() => 0), starts: offsets.map(() => new Int32Array(0)) };
  if (rank === 0) return { inner: 1, innerStrides: offsets.map(() => 0), starts: offsets.map((o) => Int32Array.of(o)) };
  const outer = c.shape.slice(0, rank - 1);
  return {
    inner: c.shape[rank - 1]!,
    innerStrides: c.strides.map((s) => s[rank - 1]!),
    starts: c.strides.map((s, k) => offsetsOf(outer, s.slice(0, rank - 1), offsets[k]!)),
  };
}

/**
 * Walking strided views on the CPU. A view's elements are visited in row-major order of its
 * shape; `offsetsOf` lists the storage offset of each, and `RowWalker` steps through them row by
 * row so that kernels run a tight inner loop with a fixed stride and build no offset table.
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

/**
 * Walks a strided iteration over `shape` row by row, for several operands that share the shape,
 * without a table of offsets: after `collapse`, the innermost dim is a row of `inner` elements
 * (each operand advancing by its `stride` per element) and `next()` steps an odometer through
 * the outer dims. Contiguous same-shape operands walk as one row; a [R, C] tensor times a
 * broadcast [C] row walks as R rows of C with strides 1 and 1; a scalar has stride 0.
 */
export class RowWalker {
  /** Elements per row (0 when the shape has a 0 dim; 1 for a 0-d shape). */
  readonly inner: number;
  /** Number of rows (0 when the shape has a 0 dim). */
  readonly rows: number;
  /** Each operand's stride along a row. */
  readonly stride: number[];
  /** Each operand's storage offset at the start of the current row. */
  readonly at: number[];
  private readonly start: readonly number[];
  private readonly outer: number[];
  private readonly outerStrides: number[][];
  private readonly idx: number[];

  constructor(shape: Shape, stridesList: readonly (readonly number[])[], offsets: readonly number[]) {
    const c = collapse(shape, stridesList);
    const rank = c.shape.length;
    const empty = shape.some((d) => d === 0);
    this.inner = empty ? 0 : rank === 0 ? 1 : c.shape[rank - 1]!;
    this.stride = c.strides.map((s) => (rank === 0 ? 0 : s[rank - 1]!));
    this.outer = c.shape.slice(0, Math.max(0, rank - 1));
    this.outerStrides = c.strides.map((s) => s.slice(0, Math.max(0, rank - 1)));
    this.rows = empty ? 0 : this.outer.reduce((a, b) => a * b, 1);
    this.start = offsets;
    this.at = [...offsets];
    this.idx = this.outer.map(() => 0);
  }

  /** Moves `at` to the start of the next row. */
  next(): void {
    const { outer, outerStrides, idx, at } = this;
    for (let d = outer.length - 1; d >= 0; d--) {
      for (let k = 0; k < at.length; k++) at[k]! += outerStrides[k]![d]!;
      if (++idx[d]! < outer[d]!) return;
      for (let k = 0; k < at.length; k++) at[k]! -= outerStrides[k]![d]! * outer[d]!;
      idx[d] = 0;
    }
  }

  /** Goes back to the first row, with `base` added to every operand's starting offset. */
  reset(base = 0): void {
    for (let k = 0; k < this.at.length; k++) this.at[k] = this.start[k]! + base;
    this.idx.fill(0);
  }
}

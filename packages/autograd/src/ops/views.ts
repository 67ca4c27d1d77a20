/**
 * Views and their gradients: a view only re-reads the same numbers, so its backward puts the
 * gradient back where each number came from (reshape back, permute back, sum over what expand
 * repeated, scatter into zeros what slice picked).
 */
import * as T from '@glimpse/tensor';
import type { Tensor } from '@glimpse/tensor';
import { Variable } from '../variable.js';
import { unbroadcast } from './util.js';

type Axes = number | readonly number[];

function reshaping(op: string, forward: (x: Tensor) => Tensor) {
  return (x: Variable): Variable => Variable.fromOp(op, forward(x.data), [x], (g) => [g.reshape(x.shape)]);
}

/** The same elements in a new `shape` (−1 infers one dim) without copying, recorded; the gradient is reshaped back. */
export const view = (x: Variable, shape: readonly number[]) => reshaping('view', (d) => d.view(shape))(x);
/** The same elements in a new `shape` (−1 infers one dim), a view when possible, recorded; the gradient is reshaped back. */
export const reshape = (x: Variable, shape: readonly number[]) => reshaping('reshape', (d) => d.reshape(shape))(x);
/** Removes size-1 dims (all of them, or those in `axis`), recorded; the gradient is reshaped back. */
export const squeeze = (x: Variable, axis?: Axes) => reshaping('squeeze', (d) => d.squeeze(axis))(x);
/** Inserts a size-1 dim at `axis`, recorded; the gradient is reshaped back. */
export const unsqueeze = (x: Variable, axis: number) => reshaping('unsqueeze', (d) => d.unsqueeze(axis))(x);
/** Merges dims `startDim`..`endDim` (default: all) into one, recorded; the gradient is reshaped back. */
export const flatten = (x: Variable, startDim?: number, endDim?: number) => reshaping('flatten', (d) => d.flatten(startDim, endDim))(x);

/** x itself when its data is contiguous, otherwise a recorded contiguous copy (gradient passes through). */
export function contiguous(x: Variable): Variable {
  return x.data.isContiguous() ? x : Variable.fromOp('contiguous', x.data.contiguous(), [x], (g) => [g]);
}

/** Reorders the dims (result dim i is input dim `axes[i]`), recorded; the gradient is permuted back. */
export function permute(x: Variable, axes: readonly number[]): Variable {
  const out = x.data.permute(axes);
  const inverse = new Array<number>(axes.length);
  axes.forEach((a, i) => (inverse[a < 0 ? a + axes.length : a] = i));
  return Variable.fromOp('permute', out, [x], (g) => [g.permute(inverse)]);
}

/** Swaps dims `a` and `b` (by default the last two), recorded; the gradient is transposed back. */
export function transpose(x: Variable, a = -2, b = -1): Variable {
  return Variable.fromOp('transpose', x.data.transpose(a, b), [x], (g) => [g.transpose(a, b)]);
}

/** Broadcasts size-1 dims to `shape` without copying, recorded; the gradient is summed over the expanded dims. */
export function expand(x: Variable, shape: readonly number[]): Variable {
  return Variable.fromOp('expand', x.data.expand(shape), [x], (g) => [unbroadcast(g, x.shape)]);
}

/** Gradient of picking every `step`-th element from `start` along `axis`: scatter g into zeros. */
function scatterBack(g: Tensor, inputShape: readonly number[], axis: number, start: number, step: number): Tensor {
  const n = g.shape[axis]!;
  const picked = T.arange(start, start + n * step, step, { dtype: 'int32', backend: g.backend.name });
  const index = picked.reshape(g.shape.map((d, i) => (i === axis ? d : 1))).expand(g.shape);
  return T.zeros(inputShape, { dtype: g.dtype, backend: g.backend.name }).scatterAdd(axis, index, g);
}

/** Every `step`-th element of [start, end) along `axis` (a view), recorded; the gradient is scattered back into zeros. */
export function slice(x: Variable, axis: number, start = 0, end?: number, step = 1): Variable {
  const out = x.data.slice(axis, start, end, step);
  const d = axis < 0 ? axis + x.rank : axis;
  // Where the view starts along `axis`, after T.slice's normalisation (negative from the end, then
  // clamped). Not read back from the view's offset: a stride-0 (expanded) axis has no offset to read.
  const n = x.shape[d]!;
  const first = Math.min(Math.max(start < 0 ? start + n : start, 0), n);
  return Variable.fromOp('slice', out, [x], (g) => [scatterBack(g, x.shape, d, first, step)]);
}

/** `length` elements from `start` along `axis`, recorded; the gradient is scattered back into zeros. */
export function narrow(x: Variable, axis: number, start: number, length: number): Variable {
  x.data.narrow(axis, start, length); // validates the range, with narrow's own error message
  const d = axis < 0 ? axis + x.rank : axis;
  const s = start < 0 ? start + x.shape[d]! : start;
  return slice(x, d, s, s + length);
}

/** The slice at `index` along `axis`, with that dim removed, recorded; the gradient is scattered back into zeros. */
export function select(x: Variable, axis: number, index: number): Variable {
  const d = axis < 0 ? axis + x.rank : axis;
  const out = x.data.select(d, index);
  const i = index < 0 ? index + x.shape[d]! : index;
  return Variable.fromOp('select', out, [x], (g) => [scatterBack(g.unsqueeze(d), x.shape, d, i, 1)]);
}

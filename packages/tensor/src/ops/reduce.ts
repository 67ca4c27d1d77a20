/** Reductions over any set of axes, with or without keepdim (PyTorch semantics). */
import type { DType } from '../dtype.js';
import type { ReduceOp } from '../backend.js';
import { fmtShape, normalizeAxes, normalizeAxis, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { squeeze } from '../views.js';
import { assertFloat, exp, log, sub, where } from './elementwise.js';

type Axes = number | readonly number[] | undefined;

function reduce(op: ReduceOp, x: Tensor, axis: Axes, keepdim: boolean, dtype: DType): Tensor {
  const axes = normalizeAxes(op, axis, x.rank);
  if (x.rank === 0) {
    // A 0-d tensor reduces to itself (its only index, 0, for argmax/argmin), as in PyTorch.
    return op === 'argmax' || op === 'argmin' ? x.to('int32').mul(0) : x.to(dtype).clone();
  }
  if ((op === 'max' || op === 'min' || op === 'argmax' || op === 'argmin') && axes.some((a) => x.shape[a] === 0)) {
    throw new Error(`${op}: cannot reduce an empty dim of ${fmtShape(x.shape)} (there is no identity)`);
  }
  const shape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = Tensor.fromStorage(x.backend.reduce(op, x, axes, dtype), dtype, shape, x.backend);
  return keepdim ? out : squeeze(out, axes);
}

/** Sum; bool sums count as int32. */
export const sum = (x: Tensor, axis?: Axes, keepdim = false) => reduce('sum', x, axis, keepdim, x.dtype === 'bool' ? 'int32' : x.dtype);
/** Product over `axis` (all axes when omitted), keeping reduced dims as size 1 with `keepdim`; bool counts as int32. */
export const prod = (x: Tensor, axis?: Axes, keepdim = false) => reduce('prod', x, axis, keepdim, x.dtype === 'bool' ? 'int32' : x.dtype);
/** Largest element over `axis` (all axes when omitted), keeping reduced dims with `keepdim`; same dtype. */
export const max = (x: Tensor, axis?: Axes, keepdim = false) => reduce('max', x, axis, keepdim, x.dtype);
/** Smallest element over `axis` (all axes when omitted), keeping reduced dims with `keepdim`; same dtype. */
export const min = (x: Tensor, axis?: Axes, keepdim = false) => reduce('min', x, axis, keepdim, x.dtype);

/** Index of the largest element along `axis` (int32; first one on ties), or of the flattened tensor. */
export function argmax(x: Tensor, axis?: number, keepdim = false): Tensor {
  return argReduce('argmax', x, axis, keepdim);
}

/** Index of the smallest element along `axis` (int32; first one on ties), or of the flattened tensor. */
export function argmin(x: Tensor, axis?: number, keepdim = false): Tensor {
  return argReduce('argmin', x, axis, keepdim);
}

function argReduce(op: 'argmax' | 'argmin', x: Tensor, axis: number | undefined, keepdim: boolean): Tensor {
  if (axis === undefined) return reduce(op, x.reshape([-1]), 0, false, 'int32');
  return reduce(op, x, normalizeAxis(op, axis, x.rank), keepdim, 'int32');
}

/** Arithmetic mean (float inputs only, as in PyTorch). */
export function mean(x: Tensor, axis?: Axes, keepdim = false): Tensor {
  assertFloat('mean', x);
  const axes = normalizeAxes('mean', axis, x.rank);
  const count = sizeOf(axes.map((a) => x.shape[a] ?? 1)); // a 0-d tensor's "dim" holds its one element
  return sum(x, axes, keepdim).div(count);
}

/** Variance with Bessel's `correction` (1 = unbiased, PyTorch's default; 0 = biased). */
export function variance(x: Tensor, axis?: Axes, keepdim = false, correction = 1): Tensor {
  assertFloat('var', x);
  const axes = normalizeAxes('var', axis, x.rank);
  const count = sizeOf(axes.map((a) => x.shape[a] ?? 1)); // a 0-d tensor's "dim" holds its one element
  const centred = sub(x, mean(x, axes, true));
  return sum(centred.mul(centred), axes, keepdim).div(Math.max(count - correction, 0));
}

/**
 * log Σ exp(x), stable: m + log Σ exp(x - m) with m the max (0 where m is ±inf, or where the
 * reduced dims are empty, which gives log 0 = -inf as in PyTorch).
 */
export function logsumexp(x: Tensor, axis?: Axes, keepdim = false): Tensor {
  assertFloat('logsumexp', x);
  const axes = normalizeAxes('logsumexp', axis, x.rank);
  const m = axes.some((a) => x.shape[a] === 0) ? undefined : max(x, axes, true);
  const finiteM = m ? where(m.abs().lt(Infinity), m, 0) : 0;
  const out = log(sum(exp(sub(x, finiteM)), axes, true)).add(finiteM);
  return keepdim ? out : squeeze(out, axes);
}

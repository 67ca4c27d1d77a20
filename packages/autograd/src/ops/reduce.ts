/** Reductions and their gradients: spread g back over the reduced axes. */
import type { Tensor } from '@glimpse/tensor';
import { Variable } from '../variable.js';

type Axes = number | readonly number[] | undefined;

function axesOf(x: Variable, axis: Axes): number[] {
  const list = axis === undefined ? [...Array(x.rank).keys()] : typeof axis === 'number' ? [axis] : [...axis];
  return list.map((a) => (a < 0 ? a + x.rank : a));
}

/** Gives a reduced gradient back its reduced dims (size 1) so it broadcasts against the input. */
function keepDims(g: Tensor, x: Variable, axis: Axes, keepdim: boolean): Tensor {
  if (keepdim || x.rank === 0) return g;
  return g.reshape(x.shape.map((d, i) => (axesOf(x, axis).includes(i) ? 1 : d)));
}

/** Sum over `axis` (all axes when omitted; `keepdim` keeps them as size 1), recorded; the gradient is broadcast back. */
export function sum(x: Variable, axis?: Axes, keepdim = false): Variable {
  return Variable.fromOp('sum', x.data.sum(axis, keepdim), [x], (g) => [keepDims(g, x, axis, keepdim).expand(x.shape)]);
}

/** Mean over `axis` (all axes when omitted), recorded; the gradient is g/N broadcast back. */
export function mean(x: Variable, axis?: Axes, keepdim = false): Variable {
  const count = x.rank === 0 ? 1 : axesOf(x, axis).reduce((n, a) => n * x.shape[a]!, 1);
  return Variable.fromOp('mean', x.data.mean(axis, keepdim), [x], (g) => [keepDims(g, x, axis, keepdim).div(count).expand(x.shape)]);
}

/** ∂/∂xᵢ Πx = Πx / xᵢ; undefined at zeros, so a zero in the input is an error rather than a NaN. */
export function prod(x: Variable, axis?: Axes, keepdim = false): Variable {
  const out = x.data.prod(axis, keepdim);
  return Variable.fromOp('prod', out, [x], (g) => {
    if (x.data.eq(0).sum().item() > 0) throw new Error('prod backward: the input contains zeros, where this rule (Πx / xᵢ) is undefined');
    return [keepDims(g.mul(out), x, axis, keepdim).div(x.data)];
  });
}

/** max/min: the gradient is shared evenly among the elements that tie for the extreme (like amax). */
function extreme(op: 'max' | 'min') {
  return (x: Variable, axis?: Axes, keepdim = false): Variable => {
    const out = op === 'max' ? x.data.max(axis, keepdim) : x.data.min(axis, keepdim);
    return Variable.fromOp(op, out, [x], (g) => {
      const hit = x.data.eq(keepDims(out, x, axis, keepdim)).to(x.dtype);
      const count = hit.sum(axis === undefined ? undefined : axesOf(x, axis), true);
      return [hit.div(count).mul(keepDims(g, x, axis, keepdim))];
    });
  };
}
/** Largest element over `axis` (all when omitted), recorded; the gradient is shared evenly among tied maxima. */
export const max = extreme('max');
/** Smallest element over `axis` (all when omitted), recorded; the gradient is shared evenly among tied minima. */
export const min = extreme('min');

/** ∂ logsumexp / ∂x = softmax(x) = exp(x - out). */
export function logsumexp(x: Variable, axis?: Axes, keepdim = false): Variable {
  const out = x.data.logsumexp(axis, keepdim);
  return Variable.fromOp('logsumexp', out, [x], (g) => [x.data.sub(keepDims(out, x, axis, keepdim)).exp().mul(keepDims(g, x, axis, keepdim))]);
}

/** ∂ var / ∂x = 2 (x - mean) / (N - correction). */
export function variance(x: Variable, axis?: Axes, keepdim = false, correction = 1): Variable {
  const out = x.data.var(axis, keepdim, correction);
  const count = x.rank === 0 ? 1 : axesOf(x, axis).reduce((n, a) => n * x.shape[a]!, 1);
  return Variable.fromOp('var', out, [x], (g) => {
    const centred = x.data.sub(x.data.mean(axis, true));
    return [centred.mul(keepDims(g, x, axis, keepdim)).mul(2 / Math.max(count - correction, 0))];
  });
}

/** Index ops: what gather reads, its gradient scatter-adds back (repeated indices accumulate). */
import * as T from '@glimpse/tensor';
import type { Tensor } from '@glimpse/tensor';
import { Variable, type VarLike } from '../variable.js';
import { asVariable } from './util.js';
import { reshape } from './views.js';

/** PyTorch gather along `axis` with int32 `index` (the output has the index's shape), recorded; the gradient is scatter-added back. */
export function gather(x: Variable, axis: number, index: Tensor): Variable {
  const out = x.data.gather(axis, index);
  return Variable.fromOp('gather', out, [x], (g) => [T.zerosLike(x.data).scatterAdd(axis, index, g)]);
}

/** Embedding lookup and friends: x.shape with `axis` replaced by index.shape. */
export function indexSelect(x: Variable, axis: number, index: Tensor): Variable {
  const d = axis < 0 ? axis + x.rank : axis;
  const picked = gather(x, d, T.selectionIndex(x.shape, d, index));
  return reshape(picked, [...x.shape.slice(0, d), ...index.shape, ...x.shape.slice(d + 1)]);
}

/** out = x with src added at the indexed places; ∂/∂x = g, ∂/∂src = g gathered at the same places. */
export function scatterAdd(x: Variable, axis: number, index: Tensor, src: VarLike): Variable {
  const s = asVariable(src, x);
  if (s.shape.join() !== index.shape.join()) {
    throw new Error(`scatterAdd: with autograd, src must have the index's shape [${index.shape.join(',')}], got [${s.shape.join(',')}]`);
  }
  const out = x.data.scatterAdd(axis, index, s.data);
  return Variable.fromOp('scatterAdd', out, [x, s], (g) => [g, g.gather(axis, index)]);
}

/** Joining and splitting: concat's gradient is split at the same places, and split is slicing. */
import * as T from '@glimpse/tensor';
import { Variable } from '../variable.js';
import { narrow, unsqueeze } from './views.js';

export function concat(xs: readonly Variable[], axis = 0): Variable {
  const out = T.concat(xs.map((x) => x.data), axis);
  const d = axis < 0 ? axis + out.rank : axis;
  return Variable.fromOp('concat', out, xs, (g) => g.split(xs.map((x) => x.shape[d]!), d));
}

export function stack(xs: readonly Variable[], axis = 0): Variable {
  if (xs.length === 0) throw new Error('stack: needs at least one Variable');
  const d = axis < 0 ? axis + xs[0]!.rank + 1 : axis;
  T.stack(xs.map((x) => x.data), d); // validates shapes, with stack's own error message
  return concat(xs.map((x) => unsqueeze(x, d)), d);
}

function pieces(x: Variable, parts: T.Tensor[], axis: number): Variable[] {
  const d = axis < 0 ? axis + x.rank : axis;
  let start = 0;
  return parts.map((p) => {
    const piece = narrow(x, d, start, p.shape[d]!);
    start += p.shape[d]!;
    return piece;
  });
}

export const split = (x: Variable, sizes: number | readonly number[], axis = 0) => pieces(x, x.data.split(sizes, axis), axis);
export const chunk = (x: Variable, chunks: number, axis = 0) => pieces(x, x.data.chunk(chunks, axis), axis);

/** Joining and splitting: concat's gradient is split at the same places, and split is slicing. */
import * as T from '@glimpse/tensor';
import { Variable } from '../variable.js';
import { narrow, unsqueeze } from './views.js';

/** Joins Variables along an existing `axis` (shapes equal elsewhere), recorded; the gradient is split at the same places. */
export function concat(xs: readonly Variable[], axis = 0): Variable {
  const out = T.concat(xs.map((x) => x.data), axis);
  const d = axis < 0 ? axis + out.rank : axis;
  return Variable.fromOp('concat', out, xs, (g) => g.split(xs.map((x) => x.shape[d]!), d));
}

/** Joins equally shaped Variables along a new `axis`, recorded; each input gets its slice of the gradient. */
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

/** Splits x along `axis` into pieces of `sizes` elements (the last may be smaller) or of the listed sizes, each a recorded slice. */
export const split = (x: Variable, sizes: number | readonly number[], axis = 0) => pieces(x, x.data.split(sizes, axis), axis);
/** Splits x along `axis` into `chunks` nearly equal pieces (ceil(n / chunks) each), each a recorded slice. */
export const chunk = (x: Variable, chunks: number, axis = 0) => pieces(x, x.data.chunk(chunks, axis), axis);

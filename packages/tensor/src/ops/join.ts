/** Joining and splitting along an axis. */
import { fmtShape, normalizeAxis, normalizeDim } from '../shape.js';
import { Tensor } from '../tensor.js';
import { slice, unsqueeze } from '../views.js';
import { assertSameBackend } from './elementwise.js';

/** Joins tensors along an existing axis; all other dims and the dtype must agree. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error('concat: needs at least one tensor');
  const first = xs[0]!;
  assertSameBackend('concat', ...xs);
  const d = normalizeDim('concat', axis, first.rank);
  for (const [i, x] of xs.entries()) {
    if (x.dtype !== first.dtype) throw new Error(`concat: tensor ${i} has dtype ${x.dtype}, tensor 0 has ${first.dtype}`);
    if (x.rank !== first.rank || x.shape.some((n, k) => k !== d && n !== first.shape[k])) {
      throw new Error(`concat: tensor ${i} of shape ${fmtShape(x.shape)} does not match tensor 0 of shape ${fmtShape(first.shape)} outside axis ${d}`);
    }
  }
  const shape = first.shape.map((n, k) => (k === d ? xs.reduce((s, x) => s + x.shape[d]!, 0) : n));
  return Tensor.fromStorage(first.backend.concat(xs, d, shape), first.dtype, shape, first.backend);
}

/** Joins equal-shaped tensors along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error('stack: needs at least one tensor');
  const d = normalizeAxis('stack', axis, xs[0]!.rank + 1);
  for (const [i, x] of xs.entries()) {
    if (x.rank !== xs[0]!.rank || x.shape.some((n, k) => n !== xs[0]!.shape[k])) {
      throw new Error(`stack: tensor ${i} has shape ${fmtShape(x.shape)}, tensor 0 has ${fmtShape(xs[0]!.shape)}`);
    }
  }
  return concat(xs.map((x) => unsqueeze(x, d)), d);
}

/**
 * Splits into views along `axis`: pieces of `sizes` elements each (the last may be smaller),
 * or of the listed sizes, which must add up to the dim.
 */
export function split(x: Tensor, sizes: number | readonly number[], axis = 0): Tensor[] {
  const d = normalizeDim('split', axis, x.rank);
  const n = x.shape[d]!;
  let list: number[];
  if (typeof sizes === 'number') {
    if (!Number.isInteger(sizes) || sizes <= 0) throw new Error(`split: size must be a positive integer, got ${sizes}`);
    list = Array.from({ length: Math.max(Math.ceil(n / sizes), 1) }, (_, i) => Math.min(sizes, n - i * sizes));
  } else {
    list = [...sizes];
    if (list.some((s) => !Number.isInteger(s) || s < 0) || list.reduce((a, b) => a + b, 0) !== n) {
      throw new Error(`split: sizes [${list.join(',')}] do not add up to dim ${d} of size ${n}`);
    }
  }
  let start = 0;
  return list.map((s) => slice(x, d, start, (start += s)));
}

/** Splits into `chunks` nearly equal views (PyTorch's chunk: ceil(n / chunks) each). */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new Error(`chunk: chunks must be a positive integer, got ${chunks}`);
  const d = normalizeDim('chunk', axis, x.rank);
  return split(x, Math.max(Math.ceil(x.shape[d]! / chunks), 1), d);
}

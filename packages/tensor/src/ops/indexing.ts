/** Index-based ops: gather / indexSelect (embedding lookup), scatterAdd, oneHot. */
import { fmtShape, normalizeDim } from '../shape.js';
import { Tensor } from '../tensor.js';
import { expand, reshape } from '../views.js';
import { arange } from './create.js';
import { assertSameBackend } from './elementwise.js';

function assertIndex(op: string, index: Tensor): void {
  if (index.dtype !== 'int32') throw new Error(`${op}: index must be an int32 tensor, got ${index.dtype}`);
}

/** Checks PyTorch's gather/scatter shape rule: index.shape[d] ≤ x.shape[d] for every d ≠ axis. */
function assertIndexShape(op: string, x: Tensor, axis: number, index: Tensor): void {
  const bad = index.rank !== x.rank || index.shape.some((n, d) => d !== axis && n > x.shape[d]!);
  if (bad) throw new Error(`${op}: index of shape ${fmtShape(index.shape)} does not fit input ${fmtShape(x.shape)} along axis ${axis} (same rank; other dims no larger)`);
}

/** out[p] = x[p with p[axis] replaced by index[p]]; out has the shape of `index`. */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  assertSameBackend('gather', x, index);
  assertIndex('gather', index);
  const d = normalizeDim('gather', axis, x.rank);
  assertIndexShape('gather', x, d, index);
  return Tensor.fromStorage(x.backend.gather(x, d, index), x.dtype, index.shape, x.backend);
}

/**
 * Picks the slices `index[i]` along `axis`: out.shape = x.shape with that axis replaced by
 * index.shape (so an [V, D] table indexed by [B, T] ids gives [B, T, D], an embedding lookup).
 * Built on gather with a stride-0 expanded index (see selectionIndex), so no index copy is made.
 */
export function indexSelect(x: Tensor, axis: number, index: Tensor): Tensor {
  const d = normalizeDim('indexSelect', axis, x.rank);
  assertIndex('indexSelect', index);
  // Checked here (not only in the backend's gather) so a bad token id names this op on every backend.
  if (index.size > 0) {
    const [lo, hi, n] = [index.min().item(), index.max().item(), x.shape[d]!];
    if (lo < 0 || hi >= n) throw new Error(`indexSelect: index ${lo < 0 ? lo : hi} is out of range for axis ${d} of size ${n} (input ${fmtShape(x.shape)})`);
  }
  const out = gather(x, d, selectionIndex(x.shape, d, index));
  return reshape(out, [...x.shape.slice(0, d), ...index.shape, ...x.shape.slice(d + 1)]);
}

/** The gather index that makes indexSelect(x, axis, index): the flat ids, broadcast over the other dims. */
export function selectionIndex(shape: readonly number[], axis: number, index: Tensor): Tensor {
  assertIndex('indexSelect', index);
  const flat = reshape(index, [-1]);
  const target = shape.map((n, i) => (i === axis ? flat.size : n));
  return expand(reshape(flat, target.map((n, i) => (i === axis ? n : 1))), target);
}

/** Out of place scatter-add: a copy of x where x[p with p[axis] := index[p]] += src[p]; repeats accumulate. */
export function scatterAdd(x: Tensor, axis: number, index: Tensor, src: Tensor): Tensor {
  assertSameBackend('scatterAdd', x, index, src);
  assertIndex('scatterAdd', index);
  if (src.dtype !== x.dtype) throw new Error(`scatterAdd: src dtype ${src.dtype} differs from input dtype ${x.dtype}`);
  const d = normalizeDim('scatterAdd', axis, x.rank);
  assertIndexShape('scatterAdd', x, d, index);
  if (src.rank !== index.rank || index.shape.some((n, i) => n > src.shape[i]!)) {
    throw new Error(`scatterAdd: src of shape ${fmtShape(src.shape)} is smaller than index ${fmtShape(index.shape)}`);
  }
  return Tensor.fromStorage(x.backend.scatterAdd(x, d, index, narrowTo(src, index.shape)), x.dtype, x.shape, x.backend);
}

/** The leading `shape` corner of x (scatter reads only the part of src that the index covers). */
function narrowTo(x: Tensor, shape: readonly number[]): Tensor {
  return shape.reduce((t, n, d) => t.narrow(d, 0, n), x);
}

/** int32 class ids [...] → float32 one-hot [..., numClasses]. */
export function oneHot(ids: Tensor, numClasses: number): Tensor {
  assertIndex('oneHot', ids);
  if (ids.size > 0) {
    const [lo, hi] = [ids.min().item(), ids.max().item()];
    if (lo < 0 || hi >= numClasses) throw new Error(`oneHot: class ids must lie in [0, ${numClasses}), got values from ${lo} to ${hi}`);
  }
  const classes = arange(numClasses, { dtype: 'int32', backend: ids.backend.name });
  return ids.unsqueeze(-1).eq(classes).to('float32');
}

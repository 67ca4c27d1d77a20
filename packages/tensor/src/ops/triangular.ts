/** Upper/lower triangles of the last two dims (the causal mask of a decoder is a triu). */
import { Tensor } from '../tensor.js';
import { arange } from './create.js';
import { where } from './elementwise.js';

/** Keeps a[..., i, j] where j - i ≥ diagonal (keep=upper) or j - i ≤ diagonal (lower); zero elsewhere. */
function triangle(op: string, x: Tensor, diagonal: number, upper: boolean): Tensor {
  if (x.rank < 2) throw new Error(`${op}: needs a tensor with at least 2 dims, got [${x.shape.join(',')}]`);
  const [rows, cols] = x.shape.slice(-2) as [number, number];
  const i = arange(rows, { dtype: 'int32', backend: x.backend.name }).unsqueeze(1);
  const j = arange(cols, { dtype: 'int32', backend: x.backend.name });
  const offset = j.sub(i);
  const keep = upper ? offset.ge(diagonal) : offset.le(diagonal);
  return where(keep, x, 0).to(x.dtype);
}

/** Upper triangle of the last two dims: keeps x[..., i, j] where j − i ≥ `diagonal`, zero elsewhere; same shape and dtype. */
export const triu = (x: Tensor, diagonal = 0) => triangle('triu', x, diagonal, true);
/** Lower triangle of the last two dims: keeps x[..., i, j] where j − i ≤ `diagonal`, zero elsewhere; same shape and dtype. */
export const tril = (x: Tensor, diagonal = 0) => triangle('tril', x, diagonal, false);

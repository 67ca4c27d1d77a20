/** Matrix product with PyTorch's rules for 1-D operands and broadcast batch dims. */
import { broadcastShapes, fmtShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { expand, squeeze, unsqueeze } from '../views.js';
import { assertSameBackend } from './elementwise.js';

/**
 * a [..., M, K] @ b [..., K, N] → [..., M, N]. A 1-D `a` is a row vector and a 1-D `b` a column
 * vector (their extra dim is removed again); the batch dims broadcast.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  assertSameBackend('matmul', a, b);
  if (a.rank === 0 || b.rank === 0) throw new Error(`matmul: both operands need at least 1 dim, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  if (a.dtype !== b.dtype) throw new Error(`matmul: dtypes differ (${a.dtype} and ${b.dtype}); convert one with .to()`);
  const x = a.rank === 1 ? unsqueeze(a, 0) : a;
  const y = b.rank === 1 ? unsqueeze(b, 1) : b;
  const [M, K] = x.shape.slice(-2) as [number, number];
  const [K2, N] = y.shape.slice(-2) as [number, number];
  if (K !== K2) throw new Error(`matmul: cannot multiply ${fmtShape(a.shape)} by ${fmtShape(b.shape)} (inner dims ${K} ≠ ${K2})`);
  const [batchA, batchB] = [x.shape.slice(0, -2), y.shape.slice(0, -2)];
  let batch: number[];
  try {
    batch = broadcastShapes('matmul', batchA, batchB);
  } catch {
    throw new Error(`matmul: cannot multiply ${fmtShape(a.shape)} by ${fmtShape(b.shape)} (batch dims ${fmtShape(batchA)} and ${fmtShape(batchB)} do not broadcast)`);
  }
  const xb = expand(x, [...batch, M, K]);
  const yb = expand(y, [...batch, K, N]);
  let out = Tensor.fromStorage(a.backend.matmul(xb, yb, a.dtype), a.dtype, [...batch, M, N], a.backend);
  if (a.rank === 1) out = squeeze(out, -2);
  if (b.rank === 1) out = squeeze(out, -1);
  return out;
}

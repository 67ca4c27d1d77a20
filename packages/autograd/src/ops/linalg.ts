/** Matrix product: d(A·B) = dA·B + A·dB, so ∂L/∂A = G·Bᵀ and ∂L/∂B = Aᵀ·G (summed over broadcast batches). */
import * as T from '@glimpse/tensor';
import { Variable, type VarLike } from '../variable.js';
import { asVariable, unbroadcast } from './util.js';
import { squeeze, unsqueeze } from './views.js';

/** Matrix product with broadcast batch dims ([..., M, K] @ [..., K, N] → [..., M, N]; 1-D operands as in PyTorch), recorded. */
export function matmul(a: VarLike, b: VarLike): Variable {
  const like = a instanceof Variable ? a : b;
  if (!(like instanceof Variable)) throw new Error('matmul: at least one operand must be a Variable');
  const x = asVariable(a, like);
  const y = asVariable(b, like);
  // 1-D operands are a row / column vector whose extra dim is removed again (PyTorch's rule).
  if (x.rank === 1 || y.rank === 1) {
    let out = matmul(x.rank === 1 ? unsqueeze(x, 0) : x, y.rank === 1 ? unsqueeze(y, 1) : y);
    if (x.rank === 1) out = squeeze(out, -2);
    if (y.rank === 1) out = squeeze(out, -1);
    return out;
  }
  const out = T.matmul(x.data, y.data);
  return Variable.fromOp('matmul', out, [x, y], (g) => [
    unbroadcast(g.matmul(y.data.transpose()), x.shape),
    unbroadcast(x.data.transpose().matmul(g), y.shape),
  ]);
}

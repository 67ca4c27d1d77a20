import { beforeEach, describe, it } from 'vitest';
import { ones, setBackend, tensor } from '@glimpse/tensor';
import { backends, check, here, normal } from './test-util.js';
import { crossEntropy, layerNorm, matmul, softmax, where } from './index.js';

// Whole computations as models use them: gradients must compose across ops.
describe.each(backends)('composite gradients (%s)', (backend) => {
  setBackend(backend);
  beforeEach(() => setBackend(backend));
  const n = (...shape: number[]) => normal(shape, backend);

  it('2-layer MLP with softmax cross-entropy', () => {
    const x = n(5, 4);
    const targets = tensor([0, 2, 1, 2, 0], { dtype: 'int32', backend });
    check((w1, b1, w2, b2) => crossEntropy(matmul(here(x), w1).add(b1).relu().matmul(w2).add(b2), here(targets)), [n(4, 6), n(6), n(6, 3), n(3)]);
    check((x0, w1, w2) => crossEntropy(x0.matmul(w1).tanh().matmul(w2), here(targets)), [x, n(4, 6), n(6, 3)]);
  });

  it('layerNorm ∘ matmul ∘ gelu', () => {
    check((x, w, g, b) => layerNorm(x.matmul(w).gelu(), [6], g, b), [n(2, 3, 4), n(4, 6), n(6), n(6)]);
  });

  it('causal masked softmax attention', () => {
    const T = 4;
    const causal = ones([T, T], { backend }).triu(1).gt(0); // true above the diagonal: the future
    check((q, k, v) => {
      const scores = q.matmul(k.transpose()).div(Math.sqrt(q.shape[2]!));
      return softmax(where(here(causal), -Infinity, scores), -1).matmul(v);
    }, [n(2, T, 3), n(2, T, 3), n(2, T, 3)]);
  });

  it('embedding lookup with repeated ids, pooled and projected', () => {
    const ids = tensor([[1, 1, 3], [0, 3, 3]], { dtype: 'int32', backend });
    check((table, w) => table.indexSelect(0, here(ids)).mean(1).matmul(w).logSoftmax(-1), [n(4, 5), n(5, 2)]);
  });
});

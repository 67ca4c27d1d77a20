import { beforeEach, describe, expect, it } from 'vitest';
import { getBackend, setBackend, tensor } from '@glimpse/tensor';
import { backends, check, here, normal } from '../test-util.js';
import { crossEntropy } from './loss.js';

describe.each(backends)('crossEntropy (%s)', (backend) => {
  setBackend(backend);
  beforeEach(() => setBackend(backend));
  const n = (...shape: number[]) => normal(shape, backend);
  // On the current backend: inside check() that is the one fn runs on (the cpu, for the gpu's reference run).
  const ids = (data: number[] | number[][]) => tensor(data, { dtype: 'int32' });
  // Digits of agreement with the float64 formula: 14, or 6 where the backend computes in float32 (the gpu).
  const digits = getBackend(backend).maxFloatBits === 32 ? 6 : 14;
  const logits = tensor([[1, 2, 3], [1, 1, 1]], { dtype: 'float64', backend });

  it('matches the formula by hand: mean of −log softmax at the target', () => {
    const lse0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    const expected = ((lse0 - 3) + Math.log(3)) / 2;
    expect(crossEntropy(logits, ids([2, 0])).item()).toBeCloseTo(expected, digits);
  });

  it('label smoothing mixes in the mean over classes; ignored targets are neither summed nor counted', () => {
    const lse0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    const eps = 0.1;
    const row0 = (1 - eps) * (lse0 - 3) + eps * (lse0 - 2);
    expect(crossEntropy(logits, ids([2, -100]), { labelSmoothing: eps }).item()).toBeCloseTo(row0, digits);
    expect(crossEntropy(logits, ids([2, 7]), { ignoreIndex: 7, reduction: 'sum' }).item()).toBeCloseTo(lse0 - 3, digits);
    expect(crossEntropy(logits, ids([-100, -100])).item()).toBeNaN(); // 0/0, as in PyTorch
    expect(crossEntropy(logits, ids([2, 0]), { reduction: 'none' }).shape).toEqual([2]);
  });

  it('probability targets', () => {
    const p = tensor([[0, 0, 1], [1, 0, 0]], { dtype: 'float64', backend });
    expect(crossEntropy(logits, p).item()).toBeCloseTo(crossEntropy(logits, ids([2, 0])).item(), digits);
  });

  it('gradients: hard and soft targets, smoothing, ignored positions, [B, T, V] logits', () => {
    check((x) => crossEntropy(x, ids([1, 0, 3])), [n(3, 4)]);
    check((x) => crossEntropy(x, ids([[1, -100], [3, 2]]), { labelSmoothing: 0.1 }), [n(2, 2, 4)]);
    const soft = n(3, 4).softmax(-1);
    check((x) => crossEntropy(x, here(soft)), [n(3, 4)]);
  });

  it('names bad targets', () => {
    expect(() => crossEntropy(logits, ids([3, 0]))).toThrow(/1 target\(s\) lie outside \[0, 3\)/);
    expect(() => crossEntropy(logits, ids([[1, 0]]))).toThrow(/targets of shape \[1,2\] do not match logits \[2,3\]/);
    expect(() => crossEntropy(logits, tensor([1, 0], { backend }))).toThrow(/probability targets must have the logits' shape/);
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { setBackend, tensor } from '@glimpse/tensor';
import { Variable } from '../variable.js';
import { backends, check, here, normal } from '../test-util.js';

describe.each(backends)('index gradients (%s)', (backend) => {
  setBackend(backend);
  beforeEach(() => setBackend(backend));
  const n = (...shape: number[]) => normal(shape, backend);
  // On the current backend: inside check() that is the one fn runs on (the cpu, for the gpu's reference run).
  const ids = (data: number[][] | number[]) => tensor(data, { dtype: 'int32' });

  it('gather along either axis, with repeated indices', () => {
    check((x) => x.gather(1, ids([[0, 0, 2], [1, 3, 1]])).exp(), [n(2, 4)]);
    check((x) => x.gather(0, ids([[1, 0], [1, 1]])).sin(), [n(3, 2)]);
  });

  it('indexSelect as an embedding lookup with repeated ids accumulates', () => {
    check((table) => table.indexSelect(0, ids([[0, 2, 2], [1, 2, 0]])).tanh(), [n(4, 3)]);
    const table = new Variable(tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float64' }), { requiresGrad: true });
    table.indexSelect(0, ids([2, 0, 2, 2])).sum().backward();
    expect(table.grad!.toArray()).toEqual([[1, 1], [0, 0], [3, 3]]);
  });

  it('scatterAdd: gradients to the input and to src', () => {
    const index = ids([[0, 1, 0], [2, 2, 1]]);
    check((x, src) => x.scatterAdd(0, here(index), src).sin(), [n(3, 3), n(2, 3)]);
  });

  it('scatterAdd with autograd needs src shaped like the index', () => {
    const x = new Variable(n(3, 3), { requiresGrad: true });
    expect(() => x.scatterAdd(0, ids([[0, 1, 0]]), n(2, 3))).toThrow(/src must have the index's shape \[1,3\], got \[2,3\]/);
  });
});

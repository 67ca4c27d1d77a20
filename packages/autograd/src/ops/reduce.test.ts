import { describe, expect, it } from 'vitest';
import { setBackend, tensor } from '@glimpse/tensor';
import { Variable } from '../variable.js';
import { backends, check, normal, uniform } from '../test-util.js';

describe.each(backends)('reduction gradients (%s)', (backend) => {
  setBackend(backend);
  const n = (...shape: number[]) => normal(shape, backend);

  it.each([
    ['sum', (x: Variable, axis: number[] | undefined, keep: boolean) => x.sum(axis, keep)],
    ['mean', (x: Variable, axis: number[] | undefined, keep: boolean) => x.mean(axis, keep)],
    ['max', (x: Variable, axis: number[] | undefined, keep: boolean) => x.max(axis, keep)],
    ['min', (x: Variable, axis: number[] | undefined, keep: boolean) => x.min(axis, keep)],
    ['logsumexp', (x: Variable, axis: number[] | undefined, keep: boolean) => x.logsumexp(axis, keep)],
    ['var', (x: Variable, axis: number[] | undefined, keep: boolean) => x.var(axis, keep)],
    ['var (correction 0)', (x: Variable, axis: number[] | undefined, keep: boolean) => x.var(axis, keep, 0)],
  ])('%s over all, one and several axes, with and without keepdim', (_, fn) => {
    for (const axis of [undefined, [1], [0, 2], [-1]]) {
      for (const keep of [false, true]) check((x) => fn(x, axis, keep).sin(), [n(2, 3, 4)]);
    }
    check((x) => fn(x.transpose(), [0], false), [n(3, 4)]); // non-contiguous input
  });

  it('prod (no zeros) and its clear error at zeros', () => {
    check((x) => x.prod(1), [uniform([3, 4], 0.5, 2, backend)]);
    const x = new Variable(tensor([1, 0, 2], { dtype: 'float64' }), { requiresGrad: true });
    expect(() => x.prod().backward()).toThrow(/prod backward: the input contains zeros/);
  });

  it('max shares the gradient evenly among ties', () => {
    const x = new Variable(tensor([[1, 3, 3], [2, 0, 1]], { dtype: 'float64' }), { requiresGrad: true });
    x.max(1).sum().backward();
    expect(x.grad!.toArray()).toEqual([[0, 0.5, 0.5], [1, 0, 0]]);
  });
});

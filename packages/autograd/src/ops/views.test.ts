import { describe, expect, it } from 'vitest';
import { setBackend, tensor } from '@glimpse/tensor';
import { Variable } from '../variable.js';
import { backends, check, normal } from '../test-util.js';

describe.each(backends)('view gradients (%s)', (backend) => {
  setBackend(backend);
  const n = (...shape: number[]) => normal(shape, backend);
  // Every view is followed by a non-linear op, so a wrong gradient layout cannot cancel out.
  it('reshape / view / flatten / squeeze / unsqueeze', () => {
    check((x) => x.reshape([4, 3]).exp(), [n(3, 4)]);
    check((x) => x.view([2, -1]).sin(), [n(3, 4)]);
    check((x) => x.flatten(1).tanh(), [n(2, 3, 2)]);
    check((x) => x.squeeze(1).exp(), [n(3, 1, 2)]);
    check((x) => x.unsqueeze(0).unsqueeze(-1).sin(), [n(3, 2)]);
    check((x) => x.transpose().reshape([-1]).exp(), [n(3, 4)]); // reshape of a non-contiguous view copies
  });

  it('permute / transpose', () => {
    check((x) => x.permute([2, 0, 1]).mul(x.permute([2, 0, 1]).sin()), [n(2, 3, 4)]);
    check((x) => x.transpose(0, 2).exp(), [n(2, 3, 4)]);
  });

  it('expand sums the gradient over the repeated dims', () => {
    check((x) => x.expand([2, 3, 4]).sin(), [n(3, 1)]);
    const x = new Variable(tensor([[1], [2]], { dtype: 'float64' }), { requiresGrad: true });
    x.expand([2, 3]).sum().backward();
    expect(x.grad!.toArray()).toEqual([[3], [3]]);
  });

  it('slice (with steps and negative bounds), narrow, select', () => {
    check((x) => x.slice(1, 1, 5, 2).exp(), [n(3, 6)]);
    check((x) => x.slice(0, -2).sin(), [n(4, 2)]);
    check((x) => x.narrow(1, 2, 3).exp(), [n(2, 6)]);
    check((x) => x.select(1, -1).exp(), [n(3, 4)]);
    const x = new Variable(tensor([1, 2, 3, 4, 5], { dtype: 'float64' }), { requiresGrad: true });
    x.slice(0, 0, undefined, 2).sum().backward();
    expect(x.grad!.toArray()).toEqual([1, 0, 1, 0, 1]);
  });

  it('contiguous is an identity for gradients', () => {
    check((x) => x.transpose().contiguous().exp(), [n(3, 2)]);
  });
});

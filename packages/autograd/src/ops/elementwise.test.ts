import { beforeEach, describe, expect, it } from 'vitest';
import { setBackend, tensor } from '@glimpse/tensor';
import { Variable } from '../variable.js';
import { backends, check, here, normal, uniform } from '../test-util.js';
import { clamp, maximum, minimum, where } from './elementwise.js';

describe.each(backends)('element-wise gradients (%s)', (backend) => {
  setBackend(backend);
  beforeEach(() => setBackend(backend));
  const n = (...shape: number[]) => normal(shape, backend);
  const pos = (...shape: number[]) => uniform(shape, 0.5, 2, backend);

  it.each([
    ['neg', (x: Variable) => x.neg()],
    ['abs', (x: Variable) => x.abs()],
    ['exp', (x: Variable) => x.exp()],
    ['tanh', (x: Variable) => x.tanh()],
    ['sigmoid', (x: Variable) => x.sigmoid()],
    ['relu', (x: Variable) => x.relu()],
    ['erf', (x: Variable) => x.erf()],
    ['sin', (x: Variable) => x.sin()],
    ['cos', (x: Variable) => x.cos()],
  ])('%s', (_, fn) => check(fn, [n(3, 4)]));

  it.each([
    ['log', (x: Variable) => x.log()],
    ['sqrt', (x: Variable) => x.sqrt()],
    ['rsqrt', (x: Variable) => x.rsqrt()],
    ['pow by a number', (x: Variable) => x.pow(2.5)],
  ])('%s (positive inputs)', (_, fn) => check(fn, [pos(3, 4)]));

  it.each([
    ['add', (a: Variable, b: Variable) => a.add(b)],
    ['sub', (a: Variable, b: Variable) => a.sub(b)],
    ['mul', (a: Variable, b: Variable) => a.mul(b)],
    ['maximum', (a: Variable, b: Variable) => maximum(a, b)],
    ['minimum', (a: Variable, b: Variable) => minimum(a, b)],
  ])('%s with broadcasting [2,3,4] ⊕ [3,1] and [4] ⊕ [2,3,4]', (_, fn) => {
    check(fn, [n(2, 3, 4), n(3, 1)]);
    check(fn, [n(4), n(2, 3, 4)]);
  });

  it('div and pow with broadcasting (positive denominators / bases)', () => {
    check((a, b) => a.div(b), [n(2, 3), pos(3)]);
    check((a, b) => a.pow(b), [pos(2, 3), n(2, 1)]);
  });

  it('numbers as either operand', () => {
    check((a) => a.mul(3).add(1).sub(0.5).div(4), [n(5)]);
    const x = new Variable(tensor([1, 2], { dtype: 'float64' }), { requiresGrad: true });
    x.pow(3).sum().backward();
    expect(x.grad!.toArray()).toEqual([3, 12]);
  });

  it('non-contiguous inputs (transposed, sliced with a step, expanded)', () => {
    check((a, b) => a.transpose().mul(b).exp(), [n(4, 3), n(3, 4)]);
    check((a) => a.slice(1, 0, undefined, 2).tanh(), [n(3, 6)]);
    check((a, b) => a.expand([3, 4]).mul(b), [n(1, 4), n(3, 4)]);
  });

  it('maximum/minimum split the gradient in half on ties (PyTorch)', () => {
    const a = new Variable(tensor([1, 2, 3], { dtype: 'float64' }), { requiresGrad: true });
    const b = new Variable(tensor([1, 5, 0], { dtype: 'float64' }), { requiresGrad: true });
    maximum(a, b).sum().backward();
    expect(a.grad!.toArray()).toEqual([0.5, 0, 1]);
    expect(b.grad!.toArray()).toEqual([0.5, 1, 0]);
  });

  it('clamp passes the gradient inside [min, max], bounds included', () => {
    const x = new Variable(tensor([-2, -1, 0, 1, 2], { dtype: 'float64' }), { requiresGrad: true });
    clamp(x, -1, 1).sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 1, 1, 1, 0]);
    check((a) => clamp(a, -0.5, 0.5), [n(10)]);
    check((a) => clamp(a, undefined, 0.2), [n(10)]);
  });

  it('where routes the gradient to the picked side, with broadcasting', () => {
    const cond = tensor([[true, false, true]]);
    check((a, b) => where(here(cond), a, b), [n(2, 3), n(3)]);
    check((a) => where(here(cond), a, 0), [n(2, 3)]);
  });

  it('cast to float32 and back keeps the gradient flowing', () => {
    const x = new Variable(tensor([1, 2], { dtype: 'float64' }), { requiresGrad: true });
    const y = x.to('float32').mul(2).to('float64').sum();
    y.backward();
    expect(x.grad!.dtype).toBe('float64');
    expect(x.grad!.toArray()).toEqual([2, 2]);
  });
});

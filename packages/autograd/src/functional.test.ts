import { describe, expect, it } from 'vitest';
import { tensor } from '@glimpse/tensor';
import { grad, valueAndGrad } from './index.js';

describe('valueAndGrad / grad', () => {
  it('returns f and ∂f/∂ each argument', () => {
    const f = valueAndGrad((w, b) => w.mul(w).sum().add(b.mul(3).sum()));
    const [value, [dw, db]] = f(tensor([1, 2], { dtype: 'float64' }), tensor([5], { dtype: 'float64' }));
    expect(value.item()).toBe(20);
    expect(dw!.toArray()).toEqual([2, 4]);
    expect(db!.toArray()).toEqual([3]);
  });

  it('gives zeros for an argument f does not use, and needs a scalar f', () => {
    const [, db] = grad((w) => w.sum())(tensor([1, 2], { dtype: 'float64' }), tensor([7], { dtype: 'float64' }));
    expect(db!.toArray()).toEqual([0]);
    expect(() => grad((w) => w.mul(2))(tensor([1, 2]))).toThrow(/must return a scalar, got shape \[2\]/);
  });
});

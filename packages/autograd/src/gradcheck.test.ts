import { describe, expect, it } from 'vitest';
import { randn } from '@glimpse/tensor';
import { Variable, gradcheck } from './index.js';

describe('gradcheck', () => {
  const x = randn([3, 2], { dtype: 'float64', seed: 7 });

  it('passes a correct rule', () => {
    expect(gradcheck((v) => v.mul(v), [x])).toBe(true);
  });

  it('catches a wrong rule and names the worst element', () => {
    // d(x²)/dx is 2x; this rule forgets the 2.
    const badSquare = (v: Variable) => Variable.fromOp('badSquare', v.data.mul(v.data), [v], (g) => [g.mul(v.data)]);
    expect(() => gradcheck(badSquare, [x])).toThrow(/worst at input 0, element \d: numeric -?\d.*, analytic -?\d/);
  });

  it('catches a gradient that is missing altogether', () => {
    const detached = (v: Variable, w: Variable) => v.mul(w.detach());
    expect(() => gradcheck(detached, [x, randn([3, 2], { dtype: 'float64', seed: 8 })])).toThrow(/worst at input 1/);
  });

  it('checks the gradients of parameters that fn reads itself, and restores them', () => {
    const w = new Variable(randn([2, 2], { dtype: 'float64', seed: 9 }), { requiresGrad: true });
    const before = w.data;
    expect(gradcheck((v) => v.matmul(w).tanh(), [x], { params: [w] })).toBe(true);
    expect(w.data).toBe(before);
    const wrongForParam = (v: Variable) => Variable.fromOp('scaleByW', v.data.mul(w.data), [v, w], (g) => [g.mul(w.data), g]);
    expect(() => gradcheck(wrongForParam, [randn([2, 2], { dtype: 'float64', seed: 10 })], { params: [w] })).toThrow(/worst at param 0/);
  });

  it('needs float64 inputs and outputs', () => {
    expect(() => gradcheck((v) => v, [x.to('float32')])).toThrow(/input 0 is float32; finite differences need float64/);
    expect(() => gradcheck((v) => v.to('float32'), [x])).toThrow(/fn returned float32/);
  });
});
